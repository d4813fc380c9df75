package org.nezha.core.model;

import java.util.LinkedHashMap;

import org.nezha.core.config.NezhaConfig;

/** STUB (replaced by the albert branch). */
public final class ModelShapes {
    private ModelShapes() {}

    public static LinkedHashMap<String, long[]> of(NezhaConfig config) {
        LinkedHashMap<String, long[]> out = new LinkedHashMap<>();
        NezhaConfig c = config.numLabels() >= 2 ? config : config.withLabels(java.util.List.of("0", "1"));
        for (NezhaModel m : new NezhaModel[] {new NezhaForMaskedLM(c, AttentionBackends.byName("eager"), true), new NezhaForSequenceClassification(c, AttentionBackends.byName("eager"))}) {
            m.parameters().asMap().forEach((n, t) -> out.put(n, t.sizes().vec().get()));
        }
        return out;
    }
}
