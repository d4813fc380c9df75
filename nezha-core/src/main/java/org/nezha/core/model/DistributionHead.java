package org.nezha.core.model;

import org.bytedeco.pytorch.Tensor;

/** A head whose logits are predicted distributions, so that two forward passes can be compared (R-Drop). */
public interface DistributionHead {
    /**
     * {@code weight} × Σ over rows of the symmetric KL ½(KL(P‖Q) + KL(Q‖P)) between the distributions of
     * logits {@code a} and {@code b} (the same rows, two passes), a row's value the mean over its distributions
     * as the head's loss averages them; float32.
     */
    Tensor symmetricKl(Tensor a, Tensor b, Tensor targets, double weight);
}
