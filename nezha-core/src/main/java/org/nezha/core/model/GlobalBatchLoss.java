package org.nezha.core.model;

import java.util.function.UnaryOperator;

import org.bytedeco.pytorch.Tensor;

/**
 * A model whose loss compares a row with the other rows of the batch (in-batch negatives), so under data
 * parallelism it needs every process's rows, not only its own.
 */
public interface GlobalBatchLoss {
    /**
     * {@code gather} turns this process's rows [n, …] into every process's, in rank order, with gradients
     * flowing to this process's own rows (one process: the identity, the default).
     */
    void gatherRowsWith(UnaryOperator<Tensor> gather);
}
