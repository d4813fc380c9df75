package org.nezha.core.model;

import java.util.List;

/**
 * The HF names of the eight modules of one transformer block, the same computation in BERT's layer
 * and ALBERT's: self-attention (query, key, value, output projection, LayerNorm after the residual),
 * then the feed-forward pair and its LayerNorm. Each module has a {@code .weight} and a {@code .bias}.
 */
record BlockNames(String query, String key, String value, String attentionOutput, String attentionNorm,
        String intermediate, String output, String outputNorm) {

    /** BERT's (and NEZHA's) {@code …encoder.layer.N.} under {@code layer}. */
    static BlockNames bertLayer(String layer) {
        String self = layer + "attention.self.";
        return new BlockNames(self + "query", self + "key", self + "value", layer + "attention.output.dense",
                layer + "attention.output.LayerNorm", layer + "intermediate.dense", layer + "output.dense",
                layer + "output.LayerNorm");
    }

    /** ALBERT's {@code …albert_layer_groups.G.albert_layers.J.} under {@code layer}. */
    static BlockNames albertLayer(String layer) {
        String attention = layer + "attention.";
        return new BlockNames(attention + "query", attention + "key", attention + "value", attention + "dense",
                attention + "LayerNorm", layer + "ffn", layer + "ffn_output", layer + "full_layer_layer_norm");
    }

    /** The eight module names in computation order. */
    List<String> modules() {
        return List.of(query, key, value, attentionOutput, attentionNorm, intermediate, output, outputNorm);
    }
}
