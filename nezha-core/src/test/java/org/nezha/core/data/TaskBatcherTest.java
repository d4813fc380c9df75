package org.nezha.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.nezha.core.InputException;

class TaskBatcherTest {
    private static final Path FILE = Path.of("train.tsv");
    private static final int PAD = 0;

    /** [CLS]=2 a-chars… [SEP]=3 b-chars… [SEP]=3, each char as its code point, cut to maxLen. */
    private static final PairEncoder CHARS = (a, b, maxLen) -> {
        List<Integer> ids = new ArrayList<>(List.of(2));
        List<Integer> types = new ArrayList<>(List.of(0));
        a.codePoints().forEach(c -> { ids.add(c); types.add(0); });
        ids.add(3);
        types.add(0);
        if (b != null) {
            b.codePoints().forEach(c -> { ids.add(c); types.add(1); });
            ids.add(3);
            types.add(1);
        }
        int length = Math.min(maxLen, ids.size());
        return new EncodedPair(ids.subList(0, length).stream().mapToInt(Integer::intValue).toArray(),
                types.subList(0, length).stream().mapToInt(Integer::intValue).toArray());
    };

    private static List<TaskExample> examples(int count) {
        return IntStream.range(0, count).mapToObj(i -> new TaskExample(String.valueOf(i + 1), "a".repeat(1 + i % 5),
                "bb", String.valueOf(i % 2), FILE, i + 2)).toList();
    }

    @Test
    void inOrderBatchesPadToTheLongestRow() {
        List<TaskExample> examples = examples(7);
        LabelSet labels = LabelSet.fromExamples(examples);
        TaskBatcher batcher = TaskBatcher.inOrder(examples, labels, CHARS, 64, PAD, 3);
        assertEquals(3, batcher.batchesPerEpoch());
        TaskBatch batch = batcher.batch(0, 0);
        assertArrayEquals(new int[] {0, 1, 2}, batch.exampleIndices());
        assertArrayEquals(new long[] {0, 1, 0}, batch.labels());
        PaddedBatch in = batch.inputs();
        assertEquals(3, in.batchSize());
        assertEquals(8, in.seqLen()); // [CLS] aaa [SEP] bb [SEP]
        assertArrayEquals(new long[] {2, 'a', 3, 'b', 'b', 3, PAD, PAD}, Arrays.copyOfRange(in.inputIds(), 0, 8));
        assertArrayEquals(new long[] {0, 0, 0, 1, 1, 1, 0, 0}, Arrays.copyOfRange(in.tokenTypeIds(), 0, 8));
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 0, 0}, Arrays.copyOfRange(in.attentionMask(), 0, 8));
        assertArrayEquals(new int[] {6}, batcher.batch(0, 2).exampleIndices());
        assertArrayEquals(batch.exampleIndices(), batcher.batch(5, 0).exampleIndices(), "eval order never changes");
    }

    @Test
    void encoderLimitIsPassedOn() {
        TaskBatcher batcher = TaskBatcher.inOrder(examples(5), null, CHARS, 4, PAD, 5);
        assertEquals(4, batcher.batch(0, 0).inputs().seqLen());
        assertNull(batcher.batch(0, 0).labels());
        PairEncoder broken = (a, b, maxLen) -> new EncodedPair(new int[maxLen + 1], new int[maxLen + 1]);
        TaskBatcher brokenBatcher = TaskBatcher.inOrder(examples(2), null, broken, 4, PAD, 1);
        assertThrows(IllegalStateException.class, () -> brokenBatcher.batch(0, 0), "checked when first encoded");
    }

    /** An example is encoded when a batch first holds it, once: a data-parallel rank encodes only its own rows. */
    @Test
    void examplesAreEncodedWhenABatchFirstHoldsThem() {
        List<Integer> encodedLengths = new java.util.ArrayList<>();
        PairEncoder counting = (a, b, maxLen) -> {
            encodedLengths.add(a.length());
            return CHARS.encode(a, b, maxLen);
        };
        List<TaskExample> examples = examples(8);
        TaskBatcher rank1 = TaskBatcher.shuffled(examples, LabelSet.fromExamples(examples), counting, 64, PAD, 2, 3,
                new RankSlice(1, 2));
        assertEquals(0, encodedLengths.size(), "nothing up front");
        rank1.batch(0, 0);
        assertEquals(2, encodedLengths.size(), "this rank's two rows of the first global batch");
        rank1.batch(0, 0);
        assertEquals(2, encodedLengths.size(), "kept, not encoded again");
    }

    @Test
    void shuffledIsReproducibleAndResumable() {
        List<TaskExample> examples = examples(20);
        LabelSet labels = LabelSet.fromExamples(examples);
        TaskBatcher a = TaskBatcher.shuffled(examples, labels, CHARS, 64, PAD, 6, 1, RankSlice.ALL);
        TaskBatcher b = TaskBatcher.shuffled(examples, labels, CHARS, 64, PAD, 6, 1, RankSlice.ALL);
        TaskBatcher other = TaskBatcher.shuffled(examples, labels, CHARS, 64, PAD, 6, 2, RankSlice.ALL);
        List<int[]> orderA = new ArrayList<>();
        List<int[]> orderOther = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            TaskBatch batch = a.next();
            assertArrayEquals(batch.exampleIndices(), b.next().exampleIndices());
            assertArrayEquals(batch.inputs().inputIds(), a.batch(i / 4, i % 4).inputs().inputIds());
            orderA.add(batch.exampleIndices());
            orderOther.add(other.next().exampleIndices());
            for (int row = 0; row < batch.labels().length; row++) {
                assertEquals(batch.exampleIndices()[row] % 2, batch.labels()[row]);
            }
        }
        assertFalse(IntStream.range(0, 10).allMatch(i -> Arrays.equals(orderA.get(i), orderOther.get(i))));
        int[] epoch0 = IntStream.range(0, 4).flatMap(i -> IntStream.of(orderA.get(i))).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 20).toArray(), epoch0);

        TaskBatcher resumed = TaskBatcher.shuffled(examples, labels, CHARS, 64, PAD, 6, 1, RankSlice.ALL);
        resumed.seek(1, 2);
        assertArrayEquals(orderA.get(6), resumed.next().exampleIndices());
        assertEquals(new BatchPosition(1, 3), resumed.position());
    }

    /** 20 examples on 3 ranks × 2: global batches of 6, the last of 2, so rank 2 gets a stand-in then. */
    @Test
    void ranksSplitEveryBatchOfOneProcess() {
        List<TaskExample> examples = examples(20);
        LabelSet labels = LabelSet.fromExamples(examples);
        TaskBatcher alone = TaskBatcher.shuffled(examples, labels, CHARS, 64, PAD, 6, 1, RankSlice.ALL);
        List<TaskBatcher> ranks = IntStream.range(0, 3)
                .mapToObj(r -> TaskBatcher.shuffled(examples, labels, CHARS, 64, PAD, 2, 1, new RankSlice(r, 3))).toList();
        for (int i = 0; i < 8; i++) { // two epochs
            TaskBatch expected = alone.next();
            assertEquals(1.0 / expected.labels().length, expected.lossWeight(), 1e-15, "one process: the mean");
            List<Integer> rows = new ArrayList<>();
            double weights = 0;
            for (TaskBatcher rank : ranks) {
                TaskBatch part = rank.next();
                assertEquals(part.exampleIndices().length, part.inputs().batchSize());
                for (int row = 0; row < part.labels().length; row++) {
                    assertEquals(part.exampleIndices()[row] % 2, part.labels()[row]);
                }
                if (part.lossWeight() == 0) continue; // a stand-in
                for (int example : part.exampleIndices()) rows.add(example);
                weights += part.lossWeight() * part.labels().length;
            }
            assertEquals(Arrays.stream(expected.exampleIndices()).sorted().boxed().toList(), rows.stream().sorted().toList());
            assertEquals(3, weights, 1e-12);
        }
        assertEquals(0, ranks.get(2).batch(0, 3).lossWeight(), "the last global batch has no example for rank 2");
    }

    @Test
    void unknownLabelIsReportedAtItsLine() {
        List<TaskExample> dev = List.of(new TaskExample("1", "x", "y", "0", Path.of("dev.tsv"), 2),
                new TaskExample("2", "x", "y", "maybe", Path.of("dev.tsv"), 3));
        LabelSet labels = LabelSet.of(List.of("0", "1"));
        InputException e = assertThrows(InputException.class, () -> TaskBatcher.inOrder(dev, labels, CHARS, 64, PAD, 8));
        assertEquals("dev.tsv:3: unknown label 'maybe' (model knows: 0, 1)", e.getMessage());
    }
}
