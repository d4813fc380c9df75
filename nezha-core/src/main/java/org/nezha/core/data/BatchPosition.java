package org.nezha.core.data;

/** Where a batcher stands: the batch it returns next. A checkpoint saves it to resume exactly. */
public record BatchPosition(int epoch, int batchIndex) {}
