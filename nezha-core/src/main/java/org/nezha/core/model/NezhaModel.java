package org.nezha.core.model;

import org.nezha.core.config.NezhaConfig;

/** A NEZHA encoder with a task head: what the trainer and the model directory need to know of it. */
public interface NezhaModel {
    NezhaConfig config();

    ParameterStore parameters();

    NezhaEncoder encoder();

    /** Backward from a loss computed from this model's last forward (through graph cuts when the attention needs them). */
    default void backward(org.bytedeco.pytorch.Tensor loss) {
        encoder().backward(loss);
    }
}
