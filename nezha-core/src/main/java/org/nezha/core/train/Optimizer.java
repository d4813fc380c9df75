package org.nezha.core.train;

import java.util.Map;

import org.bytedeco.pytorch.Tensor;

/**
 * A first-order optimizer over named parameters whose state is a set of named tensors, so a
 * checkpoint can save and restore it ({@link AdamW}, LAMB).
 */
public interface Optimizer {
    /** The name written into checkpoints ("AdamW", "LAMB"). */
    String name();

    /** One update with learning rate {@code lr}; parameters without a gradient are left alone. */
    void step(double lr);

    /** Clears the gradients (sets them to zero, keeping their memory for the next step). */
    void zeroGrad();

    /** Updates taken so far (restored by {@link #loadState}). */
    long stepCount();

    /** The state tensors by name, for a checkpoint. */
    Map<String, Tensor> state();

    /** Restores what {@link #state()} saved, with the number of steps already taken. */
    void loadState(Map<String, Tensor> state, long steps);

    /** Frees the state tensors; the optimizer is unusable afterwards. */
    void release();
}
