package org.nezha.core.model;

import org.nezha.core.config.NezhaConfig;

/** A NEZHA encoder with a task head: what the trainer and the model directory need to know of it. */
public interface NezhaModel {
    NezhaConfig config();

    ParameterStore parameters();

    NezhaEncoder encoder();
}
