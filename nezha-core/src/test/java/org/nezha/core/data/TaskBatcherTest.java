package org.nezha.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class TaskBatcherTest {
    private static final int PAD = 0;

    /** Row i: [CLS]=2, 1 + i % 5 tokens 'a', [SEP]=3 'b' 'b' [SEP]; target {i % 2}. */
    private static List<TaskBatcher.Row> rows(int count) {
        return IntStream.range(0, count).mapToObj(i -> row("a".repeat(1 + i % 5), new long[] {i % 2})).toList();
    }

    private static TaskBatcher.Row row(String a, long[] targets) {
        List<Integer> ids = new ArrayList<>(List.of(2));
        List<Integer> types = new ArrayList<>(List.of(0));
        a.codePoints().forEach(c -> { ids.add(c); types.add(0); });
        ids.addAll(List.of(3, (int) 'b', (int) 'b', 3));
        types.addAll(List.of(0, 1, 1, 1));
        return new TaskBatcher.Row(ids.stream().mapToInt(Integer::intValue).toArray(), types.stream().mapToInt(Integer::intValue).toArray(),
                targets);
    }

    @Test
    void inOrderBatchesPadToTheLongestRow() {
        TaskBatcher batcher = TaskBatcher.inOrder(rows(7), PAD, 3);
        assertEquals(3, batcher.batchesPerEpoch());
        TaskBatch batch = batcher.batch(0, 0);
        assertArrayEquals(new int[] {0, 1, 2}, batch.rowIndices());
        assertArrayEquals(new long[] {0, 1, 0}, batch.targets());
        assertEquals(1, batch.targetWidth());
        PaddedBatch in = batch.inputs();
        assertEquals(3, in.batchSize());
        assertEquals(8, in.seqLen()); // [CLS] aaa [SEP] bb [SEP]
        assertArrayEquals(new long[] {2, 'a', 3, 'b', 'b', 3, PAD, PAD}, Arrays.copyOfRange(in.inputIds(), 0, 8));
        assertArrayEquals(new long[] {0, 0, 0, 1, 1, 1, 0, 0}, Arrays.copyOfRange(in.tokenTypeIds(), 0, 8));
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 0, 0}, Arrays.copyOfRange(in.attentionMask(), 0, 8));
        assertArrayEquals(new int[] {6}, batcher.batch(0, 2).rowIndices());
        assertArrayEquals(batch.rowIndices(), batcher.batch(5, 0).rowIndices(), "eval order never changes");
    }

    /** Per-token targets of different lengths: a [B, widest] block, -100 (no loss) where a row has fewer. */
    @Test
    void targetsArePaddedToTheWidestRowWithNoLoss() {
        List<TaskBatcher.Row> rows = List.of(row("a", new long[] {-100, 4, -100, 5, 5, -100}), row("aaa", new long[] {-100, 1, 2, 3, -100, 6, 6, -100}));
        TaskBatch batch = TaskBatcher.inOrder(rows, PAD, 2).batch(0, 0);
        assertEquals(8, batch.targetWidth());
        assertArrayEquals(new long[] {-100, 4, -100, 5, 5, -100, -100, -100, -100, 1, 2, 3, -100, 6, 6, -100}, batch.targets());
    }

    @Test
    void unlabelledRowsGiveNoTargets() {
        List<TaskBatcher.Row> rows = List.of(row("a", null), row("aa", null));
        assertNull(TaskBatcher.inOrder(rows, PAD, 2).batch(0, 0).targets());
    }

    @Test
    void shuffledIsReproducibleAndResumable() {
        List<TaskBatcher.Row> rows = rows(20);
        TaskBatcher a = TaskBatcher.shuffled(rows, PAD, 6, 1, RankSlice.ALL);
        TaskBatcher b = TaskBatcher.shuffled(rows, PAD, 6, 1, RankSlice.ALL);
        TaskBatcher other = TaskBatcher.shuffled(rows, PAD, 6, 2, RankSlice.ALL);
        List<int[]> orderA = new ArrayList<>();
        List<int[]> orderOther = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            TaskBatch batch = a.next();
            assertArrayEquals(batch.rowIndices(), b.next().rowIndices());
            assertArrayEquals(batch.inputs().inputIds(), a.batch(i / 4, i % 4).inputs().inputIds());
            orderA.add(batch.rowIndices());
            orderOther.add(other.next().rowIndices());
            for (int row = 0; row < batch.rowIndices().length; row++) {
                assertEquals(batch.rowIndices()[row] % 2, batch.targets()[row]);
            }
        }
        assertFalse(IntStream.range(0, 10).allMatch(i -> Arrays.equals(orderA.get(i), orderOther.get(i))));
        int[] epoch0 = IntStream.range(0, 4).flatMap(i -> IntStream.of(orderA.get(i))).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 20).toArray(), epoch0);

        TaskBatcher resumed = TaskBatcher.shuffled(rows, PAD, 6, 1, RankSlice.ALL);
        resumed.seek(1, 2);
        assertArrayEquals(orderA.get(6), resumed.next().rowIndices());
        assertEquals(new BatchPosition(1, 3), resumed.position());
    }

    /** 20 rows on 3 ranks × 2: global batches of 6, the last of 2, so rank 2 gets a stand-in then. */
    @Test
    void ranksSplitEveryBatchOfOneProcess() {
        List<TaskBatcher.Row> rows = rows(20);
        TaskBatcher alone = TaskBatcher.shuffled(rows, PAD, 6, 1, RankSlice.ALL);
        List<TaskBatcher> ranks = IntStream.range(0, 3).mapToObj(r -> TaskBatcher.shuffled(rows, PAD, 2, 1, new RankSlice(r, 3))).toList();
        for (int i = 0; i < 8; i++) { // two epochs
            TaskBatch expected = alone.next();
            assertEquals(1.0 / expected.rowIndices().length, expected.lossWeight(), 1e-15, "one process: the mean");
            List<Integer> members = new ArrayList<>();
            double weights = 0;
            for (TaskBatcher rank : ranks) {
                TaskBatch part = rank.next();
                assertEquals(part.rowIndices().length, part.inputs().batchSize());
                for (int row = 0; row < part.rowIndices().length; row++) assertEquals(part.rowIndices()[row] % 2, part.targets()[row]);
                if (part.lossWeight() == 0) continue; // a stand-in
                for (int member : part.rowIndices()) members.add(member);
                weights += part.lossWeight() * part.rowIndices().length;
            }
            assertEquals(Arrays.stream(expected.rowIndices()).sorted().boxed().toList(), members.stream().sorted().toList());
            assertEquals(3, weights, 1e-12);
        }
        assertEquals(0, ranks.get(2).batch(0, 3).lossWeight(), "the last global batch has no row for rank 2");
    }
}
