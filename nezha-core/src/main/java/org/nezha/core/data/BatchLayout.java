package org.nezha.core.data;

/**
 * How a run cuts its data into steps: the items of an epoch, the rows each process takes per batch,
 * and the processes. A saved data position means the same batches only under the same layout.
 */
public record BatchLayout(int items, int batchSizePerProcess, int processes) {}
