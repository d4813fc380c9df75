package org.nezha.core.data;

/**
 * A classification batch: padded inputs, the label index of each row (null when the batcher has
 * no labels, as for prediction) and which examples (indices into the batcher's list) the rows are.
 */
public record TaskBatch(PaddedBatch inputs, long[] labels, int[] exampleIndices) {}
