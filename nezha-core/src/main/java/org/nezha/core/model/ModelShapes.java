package org.nezha.core.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import org.nezha.core.config.NezhaConfig;

/**
 * The shape of every parameter any model of a config can have, under the HF names of its family,
 * worked out from the config without allocating a weight: what a converter checks a large
 * checkpoint against while streaming it.
 */
public final class ModelShapes {
    private ModelShapes() {}

    /**
     * Name → shape of the encoder (with pooler), the MLM head, the next-sentence (ALBERT: sentence-order)
     * head, the classifier ({@code num_labels} rows, the sequence's and the token classifier's alike) and the
     * span head, in HF's order, and the token classifier's CRF when the config has {@code use_crf}.
     */
    public static LinkedHashMap<String, long[]> of(NezhaConfig config) {
        ModelLayout layout = new ModelLayout(config);
        LinkedHashMap<String, long[]> shapes = new LinkedHashMap<>();
        List<List<ModelLayout.Parameter>> parts = new ArrayList<>(List.of(layout.encoder(true), layout.maskedLmHead(),
                layout.nextSentenceHead(), layout.classifier(), layout.questionAnswering()));
        if (config.useCrf()) parts.add(layout.crf());
        for (List<ModelLayout.Parameter> part : parts) {
            for (ModelLayout.Parameter p : part) shapes.put(p.name(), p.shape().clone());
        }
        return shapes;
    }
}
