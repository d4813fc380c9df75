package org.nezha.core.vocab;

import java.util.Arrays;

/** A growable list of word indices that are added in increasing order. */
final class IntList {
    private int[] values = new int[4];
    private int size;

    /** Appends {@code value} unless it is the last value already. */
    void addOnce(int value) {
        if (size > 0 && values[size - 1] == value) return;
        if (size == values.length) values = Arrays.copyOf(values, size * 2);
        values[size++] = value;
    }

    int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
