package org.nezha.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** One global order for every rank, DistributedSampler-style: rank r takes every N-th item of each global batch. */
class EpochScheduleTest {
    private static final long SEED = 42;

    /**
     * For every world size N, per-rank batch b and item count (full, partial and smaller-than-N last
     * batches, fewer items than ranks): the ranks' t-th batches are disjoint, together they are the t-th
     * batch of one process with batch N·b, in its order, and their loss weights add up to one mean.
     */
    @Test
    void ranksTogetherTakeOneProcessBatchExactlyOnce() {
        for (int n : new int[] {1, 2, 3, 4, 8}) {
            for (int b : new int[] {1, 2, 3, 5}) {
                for (int items : new int[] {1, 2, 5, 7, 16, 17, 23, 33, 40}) {
                    assertRanksSplitOneProcess(n, b, items);
                }
            }
        }
    }

    private static void assertRanksSplitOneProcess(int n, int b, int items) {
        String what = n + " ranks × batch " + b + ", " + items + " items";
        EpochSchedule alone = new EpochSchedule(items, n * b, RankSlice.ALL, EpochOrder.SHUFFLED, SEED);
        EpochSchedule[] ranks = IntStream.range(0, n)
                .mapToObj(r -> new EpochSchedule(items, b, new RankSlice(r, n), EpochOrder.SHUFFLED, SEED)).toArray(EpochSchedule[]::new);
        int batches = Math.ceilDiv(items, n * b);
        assertEquals(batches, alone.batchesPerEpoch(), what);
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] epochItems = new int[0];
            for (int t = 0; t < batches; t++) {
                int[] expected = alone.share(epoch, t).globalItems();
                int[] union = new int[0];
                double weights = 0;
                for (int r = 0; r < n; r++) {
                    assertEquals(batches, ranks[r].batchesPerEpoch(), what + ": every rank runs the same steps");
                    EpochSchedule.Share share = ranks[r].share(epoch, t);
                    String at = what + ", epoch " + epoch + " batch " + t + " rank " + r;
                    assertArrayEquals(expected, share.globalItems(), at);
                    int[] positions = IntStream.iterate(r, i -> i < expected.length, i -> i + n).toArray();
                    assertEquals(positions.length == 0, share.standIn(), at);
                    if (share.standIn()) {
                        assertArrayEquals(new int[] {expected[0]}, share.rows(), at + ": a stand-in from the batch");
                        assertEquals(0, share.lossWeight(expected.length), at);
                        continue;
                    }
                    assertArrayEquals(Arrays.stream(positions).map(i -> expected[i]).toArray(), share.rows(), at);
                    assertTrue(share.rows().length <= b, at);
                    union = concat(union, share.rows());
                    weights += share.lossWeight(expected.length) * share.rows().length;
                }
                assertArrayEquals(sorted(expected), sorted(union), what + ": the ranks' rows are the batch, each once");
                assertEquals(n, weights, 1e-12, what + ": the ranks' weighted sums average to the batch mean");
                epochItems = concat(epochItems, expected);
            }
            assertArrayEquals(IntStream.range(0, items).toArray(), sorted(epochItems), what + ": every item once an epoch");
        }
    }

    /** One process batches as it did before data-parallel sampling: checkpoints and resumed runs stay valid. */
    @Test
    void oneProcessKeepsItsOrder() {
        for (int items : new int[] {1, 9, 32, 33}) {
            EpochSchedule schedule = new EpochSchedule(items, 4, RankSlice.ALL, EpochOrder.SHUFFLED, SEED);
            for (int epoch = 0; epoch < 3; epoch++) {
                int[] order = Seeds.permutation(items, Seeds.derive(SEED, 1, epoch)); // the shuffle stream's epoch order
                for (int t = 0; t < schedule.batchesPerEpoch(); t++) {
                    EpochSchedule.Share share = schedule.share(epoch, t);
                    int[] expected = Arrays.copyOfRange(order, 4 * t, Math.min(items, 4 * t + 4));
                    assertArrayEquals(expected, share.rows());
                    assertFalse(share.standIn());
                    assertEquals(1.0 / expected.length, share.lossWeight(expected.length), 1e-15, "the mean");
                }
            }
        }
        assertArrayEquals(new int[] {4, 5, 6, 7}, new EpochSchedule(10, 4, RankSlice.ALL, EpochOrder.SEQUENTIAL, SEED).share(3, 1).rows());
    }

    @Test
    void aLastBatchSmallerThanTheWorldLeavesRanksAStandIn() {
        // 9 items, 4 ranks × 2: global batches of 8 and 1; ranks 1-3 get nothing real in the second
        EpochSchedule rank0 = new EpochSchedule(9, 2, new RankSlice(0, 4), EpochOrder.SHUFFLED, SEED);
        EpochSchedule rank3 = new EpochSchedule(9, 2, new RankSlice(3, 4), EpochOrder.SHUFFLED, SEED);
        EpochSchedule.Share real = rank0.share(0, 1), standIn = rank3.share(0, 1);
        assertEquals(1, real.globalItems().length);
        assertArrayEquals(real.globalItems(), real.rows());
        assertEquals(4.0, real.lossWeight(1), "rank 0's one example carries the whole batch's mean, times 4");
        assertTrue(standIn.standIn());
        assertArrayEquals(real.globalItems(), standIn.rows());
        assertEquals(0.0, standIn.lossWeight(1));
        assertEquals(new BatchPosition(1, 0), advanceTwice(rank3), "positions are global batches on every rank");
    }

    @Test
    void noTermsInTheGlobalBatchWeighNothing() {
        assertEquals(0.0, new EpochSchedule(3, 1, RankSlice.ALL, EpochOrder.SHUFFLED, SEED).share(0, 0).lossWeight(0));
    }

    private static BatchPosition advanceTwice(EpochSchedule schedule) {
        schedule.advance();
        schedule.advance();
        return schedule.position();
    }

    private static int[] concat(int[] a, int[] b) {
        return IntStream.concat(Arrays.stream(a), Arrays.stream(b)).toArray();
    }

    private static int[] sorted(int[] values) {
        return Arrays.stream(values).sorted().toArray();
    }
}
