package org.nezha.core.data;

/**
 * A classification batch: padded inputs, the label index of each row (null when the batcher has
 * no labels, as for prediction), which examples (indices into the batcher's list) the rows are, and
 * what each row's loss weighs: processes / examples in the global batch (for one process 1 / rows,
 * the mean), or 0 for a rank's stand-in row when the global batch has no example for it.
 */
public record TaskBatch(PaddedBatch inputs, long[] labels, int[] exampleIndices, double lossWeight) {}
