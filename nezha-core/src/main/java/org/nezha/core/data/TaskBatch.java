package org.nezha.core.data;

/**
 * A fine-tuning batch: padded inputs; the rows' targets as a flat row-major [B, targetWidth] block
 * (null when the rows have none, as for prediction); which rows of the batcher the batch holds; and
 * what each row's loss weighs: processes / rows in the global batch (for one process 1 / rows, the
 * mean), or 0 for a rank's stand-in row when the global batch has no row for it.
 */
public record TaskBatch(PaddedBatch inputs, long[] targets, int targetWidth, int[] rowIndices, double lossWeight) {}
