package org.nezha.core.model;

import org.nezha.core.config.NezhaConfig;

/**
 * What every model with a head holds alike: the parameters under HF's names and the encoder that
 * registers its own there first; a subclass adds its head's parameters and computes with both.
 */
abstract class HeadedModel implements NezhaModel {
    protected final ParameterStore params;
    protected final NezhaEncoder encoder;

    HeadedModel(NezhaConfig config, AttentionBackend attention, boolean withPooler) {
        this.params = new ParameterStore(config.initializerRange());
        this.encoder = new NezhaEncoder(config, params, attention, withPooler);
    }

    @Override
    public final NezhaConfig config() {
        return encoder.config();
    }

    @Override
    public final ParameterStore parameters() {
        return params;
    }

    @Override
    public final NezhaEncoder encoder() {
        return encoder;
    }
}
