package org.nezha.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class MlmBatcherTest {
    private static final MlmMasker MASKER = new MlmMasker(TestTokens.SPECIALS, 0.15, 20);

    /** Sequence i starts with the distinctive token 5 + i, so rows can be traced back; lengths vary. */
    private static List<int[]> sequences(int count) {
        SplittableRandom random = new SplittableRandom(2);
        List<int[]> sequences = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int[] tokens = IntStream.range(0, random.nextInt(1, 30)).map(j -> random.nextInt(5, 1000)).toArray();
            tokens[0] = 5 + i;
            sequences.add(tokens);
        }
        return sequences;
    }

    /** The row's first token before masking, which names its sequence. */
    private static long originalFirstToken(MlmBatch batch, int row) {
        long flat = (long) row * batch.inputs().seqLen() + 1;
        int k = Arrays.binarySearch(batch.maskedFlatPositions(), flat);
        return k >= 0 ? batch.maskedLabels()[k] : batch.inputs().inputIds()[(int) flat];
    }

    private static List<MlmBatch> take(MlmBatcher batcher, int count) {
        List<MlmBatch> batches = new ArrayList<>();
        for (int i = 0; i < count; i++) batches.add(batcher.next());
        return batches;
    }

    private static void assertSameBatch(MlmBatch expected, MlmBatch actual) {
        assertEquals(expected.inputs().batchSize(), actual.inputs().batchSize());
        assertEquals(expected.inputs().seqLen(), actual.inputs().seqLen());
        assertArrayEquals(expected.inputs().inputIds(), actual.inputs().inputIds());
        assertArrayEquals(expected.inputs().attentionMask(), actual.inputs().attentionMask());
        assertArrayEquals(expected.maskedFlatPositions(), actual.maskedFlatPositions());
        assertArrayEquals(expected.maskedLabels(), actual.maskedLabels());
    }

    @Test
    void batchLayoutPaddingAndFlatPositions() {
        List<int[]> sequences = sequences(10);
        MlmBatcher batcher = new MlmBatcher(sequences, MASKER, 4, 0, 1);
        assertEquals(3, batcher.batchesPerEpoch());
        MlmBatch batch = batcher.batch(0, 0);
        PaddedBatch inputs = batch.inputs();
        assertEquals(4, inputs.batchSize());
        int length = inputs.seqLen();
        assertEquals(4 * length, inputs.inputIds().length);
        int longest = 0;
        for (int row = 0; row < 4; row++) {
            int real = (int) Arrays.stream(inputs.attentionMask(), row * length, (row + 1) * length).sum();
            longest = Math.max(longest, real);
            int[] source = sequences.get((int) originalFirstToken(batch, row) - 5);
            assertEquals(TestTokens.SPECIALS.cls(), inputs.inputIds()[row * length]);
            assertEquals(TestTokens.SPECIALS.sep(), inputs.inputIds()[row * length + real - 1]);
            for (int i = real; i < length; i++) {
                assertEquals(TestTokens.SPECIALS.pad(), inputs.inputIds()[row * length + i]);
                assertEquals(0, inputs.attentionMask()[row * length + i]);
            }
            assertEquals(source.length + 2, real);
        }
        assertEquals(longest, length, "padded to the longest row");
        for (int k = 0; k < batch.maskedFlatPositions().length; k++) {
            long flat = batch.maskedFlatPositions()[k];
            assertEquals(1, inputs.attentionMask()[(int) flat], "masked positions are real tokens");
            assertTrue(flat % length > 0, "never [CLS]");
        }
        assertEquals(2, batcher.batch(0, 2).inputs().batchSize(), "the last batch holds the rest");
    }

    @Test
    void fixedPadLength() {
        MlmBatcher batcher = new MlmBatcher(sequences(10), MASKER, 4, 40, 1);
        assertEquals(40, batcher.batch(0, 1).inputs().seqLen());
        MlmBatcher tooShort = new MlmBatcher(sequences(10), MASKER, 4, 5, 1);
        assertThrows(IllegalArgumentException.class, () -> tooShort.batch(0, 0));
    }

    @Test
    void everySequenceOncePerEpochInAFreshOrder() {
        MlmBatcher batcher = new MlmBatcher(sequences(50), MASKER, 8, 0, 3);
        List<List<Long>> orders = new ArrayList<>();
        for (int epoch = 0; epoch < 2; epoch++) {
            List<Long> order = new ArrayList<>();
            for (MlmBatch batch : take(batcher, batcher.batchesPerEpoch())) {
                PaddedBatch in = batch.inputs();
                for (int row = 0; row < in.batchSize(); row++) order.add(originalFirstToken(batch, row));
            }
            assertEquals(Set.copyOf(IntStream.range(5, 55).boxed().map(Long::valueOf).toList()), new HashSet<>(order));
            assertEquals(50, order.size());
            orders.add(order);
        }
        assertNotEquals(orders.get(0), orders.get(1));
        assertEquals(new BatchPosition(2, 0), batcher.position());
    }

    @Test
    void sameSeedSameBatchesOtherSeedDifferent() {
        List<MlmBatch> a = take(new MlmBatcher(sequences(30), MASKER, 4, 0, 7), 20);
        List<MlmBatch> b = take(new MlmBatcher(sequences(30), MASKER, 4, 0, 7), 20);
        List<MlmBatch> c = take(new MlmBatcher(sequences(30), MASKER, 4, 0, 8), 20);
        for (int i = 0; i < a.size(); i++) assertSameBatch(a.get(i), b.get(i));
        assertFalse(IntStream.range(0, a.size())
                .allMatch(i -> Arrays.equals(a.get(i).inputs().inputIds(), c.get(i).inputs().inputIds())));
    }

    @Test
    void masksChangeEveryEpoch() {
        List<int[]> one = List.of(IntStream.range(5, 105).toArray());
        MlmBatcher batcher = new MlmBatcher(one, MASKER, 1, 0, 1);
        assertFalse(Arrays.equals(batcher.batch(0, 0).maskedFlatPositions(), batcher.batch(1, 0).maskedFlatPositions()));
    }

    @Test
    void seekResumesExactlyWhereUninterruptedIterationWouldBe() {
        MlmBatcher uninterrupted = new MlmBatcher(sequences(23), MASKER, 5, 0, 11);
        List<MlmBatch> all = take(uninterrupted, 13); // 5 batches per epoch: runs into the third epoch
        MlmBatcher first = new MlmBatcher(sequences(23), MASKER, 5, 0, 11);
        take(first, 7);
        BatchPosition saved = first.position();
        assertEquals(new BatchPosition(1, 2), saved);

        MlmBatcher resumed = new MlmBatcher(sequences(23), MASKER, 5, 0, 11);
        resumed.seek(saved.epoch(), saved.batchIndex());
        List<MlmBatch> rest = take(resumed, 6);
        for (int i = 0; i < rest.size(); i++) assertSameBatch(all.get(7 + i), rest.get(i));
        assertThrows(IllegalArgumentException.class, () -> resumed.seek(0, 5));
    }
}
