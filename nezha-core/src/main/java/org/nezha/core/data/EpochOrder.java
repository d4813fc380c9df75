package org.nezha.core.data;

/**
 * The order in which an epoch visits its items. {@link #SHUFFLED} keeps a Fisher–Yates table per
 * epoch (4 bytes per item: fine for fine-tuning sets); {@link #KEYED_SHUFFLE} computes position →
 * item with a keyed permutation and holds nothing per item, for pretraining corpora of any number
 * of sequences.
 */
public enum EpochOrder {
    /** File order, every epoch the same. */
    SEQUENTIAL,
    /** A fresh uniform shuffle per epoch, held as a table. */
    SHUFFLED,
    /** A fresh pseudo-random shuffle per epoch, computed per position (a Feistel cipher over the item indices). */
    KEYED_SHUFFLE;

    /** Item at each position of one epoch. */
    @FunctionalInterface
    interface Positions {
        int itemAt(int position);
    }

    Positions of(int items, long epochSeed) {
        return switch (this) {
            case SEQUENTIAL -> position -> position;
            case SHUFFLED -> {
                int[] order = Seeds.permutation(items, epochSeed);
                yield position -> order[position];
            }
            case KEYED_SHUFFLE -> new KeyedPermutation(items, epochSeed)::apply;
        };
    }
}
