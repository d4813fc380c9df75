package org.nezha.core.model;

import org.nezha.core.config.NezhaConfig;

/** STUB (replaced by the albert branch). */
public enum ModelFamily {
    NEZHA("nezha."), BERT("bert."), ALBERT("albert.");

    private final String prefix;

    ModelFamily(String prefix) {
        this.prefix = prefix;
    }

    public static ModelFamily of(NezhaConfig config) {
        String type = config.text("model_type");
        if ("albert".equals(type)) return ALBERT;
        return config.hasAbsolutePositions() ? BERT : NEZHA;
    }

    public String prefix() {
        return prefix;
    }
}
