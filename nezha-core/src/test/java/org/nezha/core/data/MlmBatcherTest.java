package org.nezha.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import org.nezha.core.corpus.InMemoryCorpus;
import org.nezha.core.corpus.TokenizedSentence;

class MlmBatcherTest {
    private static final MlmMasker MASKER = new MlmMasker(TestTokens.SPECIALS, 0.15, 20, MaskingScheme.TOKEN);

    /** Batches of the given sequences, each a document of one sentence: packing gives each its own instance, in order. */
    private static MlmBatcher batcher(List<int[]> sequences, int batchSize, int padTo, long seed, RankSlice slice) {
        InMemoryCorpus.Builder corpus = new InMemoryCorpus.Builder();
        for (int[] tokens : sequences) {
            corpus.add(new TokenizedSentence(tokens, new boolean[tokens.length]));
            corpus.endDocument();
        }
        InMemoryCorpus built = corpus.build();
        InstanceTable instances = InstanceTable.inMemory(new InstancePacker(built, 128, 0, false), seed);
        return new MlmBatcher(built, instances, MASKER, batchSize, padTo, seed, slice, false);
    }

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
        MlmBatcher batcher = batcher(sequences, 4, 0, 1, RankSlice.ALL);
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
        MlmBatcher batcher = batcher(sequences(10), 4, 40, 1, RankSlice.ALL);
        assertEquals(40, batcher.batch(0, 1).inputs().seqLen());
        MlmBatcher tooShort = batcher(sequences(10), 4, 5, 1, RankSlice.ALL);
        assertThrows(IllegalArgumentException.class, () -> tooShort.batch(0, 0));
    }

    @Test
    void everySequenceOncePerEpochInAFreshOrder() {
        MlmBatcher batcher = batcher(sequences(50), 8, 0, 3, RankSlice.ALL);
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
        List<MlmBatch> a = take(batcher(sequences(30), 4, 0, 7, RankSlice.ALL), 20);
        List<MlmBatch> b = take(batcher(sequences(30), 4, 0, 7, RankSlice.ALL), 20);
        List<MlmBatch> c = take(batcher(sequences(30), 4, 0, 8, RankSlice.ALL), 20);
        for (int i = 0; i < a.size(); i++) assertSameBatch(a.get(i), b.get(i));
        assertFalse(IntStream.range(0, a.size())
                .allMatch(i -> Arrays.equals(a.get(i).inputs().inputIds(), c.get(i).inputs().inputIds())));
    }

    @Test
    void masksChangeEveryEpoch() {
        List<int[]> one = List.of(IntStream.range(5, 105).toArray());
        MlmBatcher batcher = batcher(one, 1, 0, 1, RankSlice.ALL);
        assertFalse(Arrays.equals(batcher.batch(0, 0).maskedFlatPositions(), batcher.batch(1, 0).maskedFlatPositions()));
    }

    /**
     * 23 sequences in global batches of 4: on 2 ranks × 2 the last batch (3) splits 2 + 1, on 4 ranks × 1
     * rank 3 gets a stand-in. Every rank's row is the one-process row of the same sequence, masked the
     * same, and the loss weights make the ranks' average the mean over the global batch's masked tokens.
     */
    @Test
    void ranksDrawOneProcessBatchesMaskedTheSame() {
        List<int[]> sequences = sequences(23);
        MlmBatcher alone = batcher(sequences, 4, 0, 5, RankSlice.ALL);
        for (int n : new int[] {2, 4}) {
            List<MlmBatcher> ranks = IntStream.range(0, n)
                    .mapToObj(r -> batcher(sequences, 4 / n, 0, 5, new RankSlice(r, n))).toList();
            for (int epoch = 0; epoch < 2; epoch++) {
                for (int t = 0; t < alone.batchesPerEpoch(); t++) {
                    MlmBatch expected = alone.batch(epoch, t);
                    Map<Long, MaskedRow> expectedRows = rowsBySequence(expected);
                    assertEquals(1.0 / expected.maskedLabels().length, expected.lossWeight(), 1e-15, "one process: the mean");
                    Map<Long, MaskedRow> rows = new HashMap<>();
                    double weights = 0;
                    for (MlmBatcher rank : ranks) {
                        MlmBatch part = rank.batch(epoch, t);
                        Map<Long, MaskedRow> partRows = rowsBySequence(part);
                        for (Map.Entry<Long, MaskedRow> row : partRows.entrySet()) {
                            assertEquals(expectedRows.get(row.getKey()), row.getValue(), "sequence " + row.getKey());
                        }
                        if (part.lossWeight() == 0) continue; // a stand-in
                        rows.putAll(partRows);
                        weights += part.lossWeight() * part.maskedLabels().length;
                    }
                    assertEquals(expectedRows.keySet(), rows.keySet(), n + " ranks, epoch " + epoch + " batch " + t);
                    assertEquals(n, weights, 1e-12);
                }
            }
        }
        MlmBatcher lastOfFour = batcher(sequences, 1, 0, 5, new RankSlice(3, 4));
        assertEquals(0, lastOfFour.batch(0, 5).lossWeight(), "the last global batch (3 sequences) leaves rank 3 of 4 a stand-in");
    }

    /** A row's real tokens after masking, with its masked columns and their labels. */
    private record MaskedRow(List<Long> inputIds, List<Long> maskedColumns, List<Long> maskedLabels) {}

    private static Map<Long, MaskedRow> rowsBySequence(MlmBatch batch) {
        Map<Long, MaskedRow> rows = new HashMap<>();
        int length = batch.inputs().seqLen();
        for (int row = 0; row < batch.inputs().batchSize(); row++) {
            List<Long> ids = new ArrayList<>(), columns = new ArrayList<>(), labels = new ArrayList<>();
            for (int i = row * length; i < (row + 1) * length && batch.inputs().attentionMask()[i] == 1; i++) {
                ids.add(batch.inputs().inputIds()[i]);
            }
            for (int k = 0; k < batch.maskedFlatPositions().length; k++) {
                if (batch.maskedFlatPositions()[k] / length != row) continue;
                columns.add(batch.maskedFlatPositions()[k] % length);
                labels.add(batch.maskedLabels()[k]);
            }
            rows.put(originalFirstToken(batch, row), new MaskedRow(ids, columns, labels));
        }
        return rows;
    }

    @Test
    void seekResumesExactlyWhereUninterruptedIterationWouldBe() {
        MlmBatcher uninterrupted = batcher(sequences(23), 5, 0, 11, RankSlice.ALL);
        List<MlmBatch> all = take(uninterrupted, 13); // 5 batches per epoch: runs into the third epoch
        MlmBatcher first = batcher(sequences(23), 5, 0, 11, RankSlice.ALL);
        take(first, 7);
        BatchPosition saved = first.position();
        assertEquals(new BatchPosition(1, 2), saved);

        MlmBatcher resumed = batcher(sequences(23), 5, 0, 11, RankSlice.ALL);
        resumed.seek(saved.epoch(), saved.batchIndex());
        List<MlmBatch> rest = take(resumed, 6);
        for (int i = 0; i < rest.size(); i++) assertSameBatch(all.get(7 + i), rest.get(i));
        assertThrows(IllegalArgumentException.class, () -> resumed.seek(0, 5));
    }
}
