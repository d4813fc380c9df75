package org.nezha.core.model;

import java.util.Locale;

import org.nezha.core.config.NezhaConfig;

/**
 * The model families the engine runs. Each keeps its parameters under HF's state-dict names for
 * that family, which start with the family's base-model prefix ({@code nezha.}, {@code bert.},
 * {@code albert.}), so a saved model loads in HF's classes of the same family.
 */
public enum ModelFamily {
    /** HF's NEZHA: functional relative positions. */
    NEZHA,
    /** BERT: absolute position embeddings (also a NEZHA-style model given absolute positions without a model_type). */
    BERT,
    /** ALBERT: factorised embeddings, layers sharing their weights in groups. */
    ALBERT;

    /** The family {@code model_type} names (a config without one: NEZHA with relative positions, BERT with absolute). */
    public static ModelFamily of(NezhaConfig config) {
        return valueOf(config.modelType().toUpperCase(Locale.ROOT));
    }

    /** HF's base_model_prefix with its dot: {@code nezha.}, {@code bert.} or {@code albert.}. */
    public String prefix() {
        return name().toLowerCase(Locale.ROOT) + ".";
    }
}
