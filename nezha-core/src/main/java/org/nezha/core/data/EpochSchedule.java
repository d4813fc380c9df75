package org.nezha.core.data;

import java.util.stream.IntStream;

import org.nezha.core.InputException;

/**
 * Which items form each global batch of each epoch (a fresh seeded shuffle per epoch, or file order; see {@link EpochOrder})
 * and which of them this rank trains on, and a cursor over (epoch, batch) that rolls over into the
 * next epoch without end. Every rank follows the same order: global batch t of an epoch is positions
 * [t·N·b, (t+1)·N·b) of it (N processes, b rows each), so the position a checkpoint saves is the same
 * on every rank; with N = 1 it is plain batching of the epoch's order.
 */
final class EpochSchedule {
    private static final long SHUFFLE_STREAM = 1;

    /**
     * Global batch t from this rank's side: its items in schedule order, and the rows this rank trains
     * on. When the batch is too small to reach this rank (a last batch of fewer than N items), the rank
     * gets the batch's first item as a stand-in that must weigh nothing in the loss: the rank still runs
     * the step's forward and backward, whose hooks drive the gradient all-reduce.
     */
    record Share(int[] globalItems, int[] rows, boolean standIn, int worldSize) {
        /**
         * What each of this rank's loss terms (rows, masked tokens) weighs when the global batch has
         * {@code terms} in all: N / terms, so that the ranks' weighted sums, averaged as the gradients
         * are, give the global batch's mean; 0 for a stand-in (or a batch without terms, whose sum is 0).
         */
        double lossWeight(long terms) {
            return standIn || terms == 0 ? 0 : (double) worldSize / terms;
        }
    }

    private final int items;
    private final int batchSize;
    private final RankSlice slice;
    private final EpochOrder ordering;
    private final long seed;
    private int epoch;
    private int batchIndex;
    private int orderEpoch = -1; // the epoch whose order is cached: batches are asked for in epoch order
    private EpochOrder.Positions order;

    /** {@code batchSize} rows per rank: a global batch holds batchSize × worldSize items. */
    EpochSchedule(int items, int batchSize, RankSlice slice, EpochOrder ordering, long seed) {
        if (items < 1) throw new IllegalArgumentException("nothing to batch");
        if (batchSize < 1) throw new InputException("batch size must be at least 1, got " + batchSize);
        this.items = items;
        this.batchSize = batchSize;
        this.slice = slice;
        this.ordering = ordering;
        this.seed = seed;
    }

    BatchLayout layout() {
        return new BatchLayout(items, batchSize, slice.worldSize());
    }

    /** Global batches per epoch, the same on every rank; the last may hold fewer items. */
    int batchesPerEpoch() {
        return Math.ceilDiv(items, globalBatchSize());
    }

    private int globalBatchSize() {
        return batchSize * slice.worldSize();
    }

    /** Batch {@code batchIndex} of {@code epoch}. */
    Share share(int epoch, int batchIndex) {
        check(epoch, batchIndex);
        int from = batchIndex * globalBatchSize();
        int to = Math.min(items, from + globalBatchSize());
        EpochOrder.Positions positions = order(epoch);
        int[] global = IntStream.range(from, to).map(positions::itemAt).toArray();
        int n = slice.worldSize();
        int[] rows = IntStream.iterate(slice.rank(), i -> i < global.length, i -> i + n).map(i -> global[i]).toArray();
        return rows.length > 0 ? new Share(global, rows, false, n) : new Share(global, new int[] {global[0]}, true, n);
    }

    private EpochOrder.Positions order(int epoch) {
        if (epoch != orderEpoch) {
            order = ordering.of(items, Seeds.derive(seed, SHUFFLE_STREAM, epoch));
            orderEpoch = epoch;
        }
        return order;
    }

    BatchPosition position() {
        return new BatchPosition(epoch, batchIndex);
    }

    void seek(int epoch, int batchIndex) {
        check(epoch, batchIndex);
        this.epoch = epoch;
        this.batchIndex = batchIndex;
    }

    /** Returns the current position and moves past it. */
    BatchPosition advance() {
        BatchPosition current = position();
        if (++batchIndex == batchesPerEpoch()) {
            batchIndex = 0;
            epoch++;
        }
        return current;
    }

    private void check(int epoch, int batchIndex) {
        if (epoch < 0 || batchIndex < 0 || batchIndex >= batchesPerEpoch()) {
            throw new IllegalArgumentException("no batch " + batchIndex + " in epoch " + epoch + " (an epoch has "
                    + batchesPerEpoch() + " batches)");
        }
    }
}
