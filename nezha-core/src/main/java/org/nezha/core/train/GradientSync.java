package org.nezha.core.train;

import java.util.Collection;

import org.bytedeco.pytorch.Tensor;

/**
 * Where gradients go between the backward and the optimizer: data-parallel averaging across
 * processes, or nothing. The trainer hands over parameters as soon as their gradients are final
 * (a finished layer, at the model's graph cuts) so communication can overlap the rest of the backward.
 */
public interface GradientSync {
    /** Nothing to synchronise: a single process. */
    GradientSync NONE = new GradientSync() {
        @Override
        public void gradientsReady(Collection<Tensor> parameters) {}

        @Override
        public void finish() {}
    };

    /** These parameters' gradients are final for this update (may start communicating them). */
    void gradientsReady(Collection<Tensor> parameters);

    /** Every gradient is final: after this returns, each parameter's gradient is the synchronised one. */
    void finish();

    /** {@code value} (a logged sum, e.g. of losses) averaged over the processes, in place; every process calls it. */
    default Tensor averageOverProcesses(Tensor value) {
        return value;
    }
}
