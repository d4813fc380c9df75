package org.nezha.core.data;

import java.util.Arrays;
import java.util.List;

/**
 * Model inputs for a batch as flat row-major arrays of batchSize × seqLen, every row padded to
 * seqLen: attentionMask is 1 on real tokens and 0 on padding, whose token type is 0.
 */
public record PaddedBatch(int batchSize, int seqLen, long[] inputIds, long[] tokenTypeIds, long[] attentionMask) {

    /** Pads every row to {@code padTo}, or to the longest row when padTo is 0. */
    static PaddedBatch of(List<int[]> inputIds, List<int[]> tokenTypeIds, int padId, int padTo) {
        int longest = inputIds.stream().mapToInt(row -> row.length).max().orElseThrow();
        if (padTo != 0 && padTo < longest) {
            throw new IllegalArgumentException("a row of " + longest + " tokens does not fit the fixed length " + padTo);
        }
        int rows = inputIds.size();
        int length = padTo == 0 ? longest : padTo;
        long[] ids = new long[rows * length];
        long[] types = new long[rows * length];
        long[] attention = new long[rows * length];
        Arrays.fill(ids, padId);
        for (int r = 0; r < rows; r++) {
            int[] rowIds = inputIds.get(r);
            int[] rowTypes = tokenTypeIds.get(r);
            for (int i = 0; i < rowIds.length; i++) {
                ids[r * length + i] = rowIds[i];
                types[r * length + i] = rowTypes[i];
                attention[r * length + i] = 1;
            }
        }
        return new PaddedBatch(rows, length, ids, types, attention);
    }
}
