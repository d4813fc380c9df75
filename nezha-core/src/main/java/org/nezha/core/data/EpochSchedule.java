package org.nezha.core.data;

import java.util.Arrays;
import java.util.stream.IntStream;

import org.nezha.core.InputException;

/**
 * Which items form each batch of each epoch (a fresh seeded shuffle per epoch, or file order),
 * and a cursor over (epoch, batch) that rolls over into the next epoch without end.
 */
final class EpochSchedule {
    private static final long SHUFFLE_STREAM = 1;

    private final int items;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private int epoch;
    private int batchIndex;
    private int orderEpoch = -1; // the epoch whose order is cached: batches are asked for in epoch order
    private int[] order;

    EpochSchedule(int items, int batchSize, boolean shuffle, long seed) {
        if (items < 1) throw new IllegalArgumentException("nothing to batch");
        if (batchSize < 1) throw new InputException("batch size must be at least 1, got " + batchSize);
        this.items = items;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
    }

    int batchesPerEpoch() {
        return (items + batchSize - 1) / batchSize;
    }

    /** Indices of the items in batch {@code batchIndex} of {@code epoch}; the last batch of an epoch may be smaller. */
    int[] members(int epoch, int batchIndex) {
        check(epoch, batchIndex);
        int from = batchIndex * batchSize;
        int to = Math.min(items, from + batchSize);
        if (!shuffle) return IntStream.range(from, to).toArray();
        if (epoch != orderEpoch) {
            order = Seeds.permutation(items, Seeds.derive(seed, SHUFFLE_STREAM, epoch));
            orderEpoch = epoch;
        }
        return Arrays.copyOfRange(order, from, to);
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
