package org.nezha.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The documented rates of layer-wise decay, the head's rate and frozen embeddings, on HF parameter names. */
class ParameterGroupsTest {
    private static final String P = "nezha.";

    /** A 3-layer NEZHA classifier's names (two of each block's modules suffice). */
    private static List<String> nezhaClassifier() {
        List<String> names = new ArrayList<>(List.of(P + "embeddings.word_embeddings.weight", P + "embeddings.token_type_embeddings.weight",
                P + "embeddings.LayerNorm.weight", P + "embeddings.LayerNorm.bias"));
        for (int i = 0; i < 3; i++) {
            names.add(P + "encoder.layer." + i + ".attention.self.query.weight");
            names.add(P + "encoder.layer." + i + ".output.LayerNorm.bias");
        }
        names.addAll(List.of(P + "pooler.dense.weight", P + "pooler.dense.bias", "classifier.weight", "classifier.bias"));
        return names;
    }

    @Test
    void layerwiseDecayGivesTheTopLayerTheBaseRateAndTheEmbeddingsRToTheL() {
        RateFactors rates = new ParameterGroups(nezhaClassifier(), P, 0.9, 1.0, false).rates();
        assertEquals(1.0, rates.of(P + "encoder.layer.2.attention.self.query.weight"), 1e-12);
        assertEquals(0.9, rates.of(P + "encoder.layer.1.output.LayerNorm.bias"), 1e-12);
        assertEquals(0.81, rates.of(P + "encoder.layer.0.attention.self.query.weight"), 1e-12);
        assertEquals(0.729, rates.of(P + "embeddings.word_embeddings.weight"), 1e-12);
        assertEquals(0.729, rates.of(P + "embeddings.LayerNorm.bias"), 1e-12);
        for (String head : List.of(P + "pooler.dense.weight", P + "pooler.dense.bias", "classifier.weight", "classifier.bias")) {
            assertEquals(1.0, rates.of(head), 1e-12, head);
        }
    }

    @Test
    void headRateAppliesToExactlyTheHead() {
        List<String> names = new ArrayList<>(nezhaClassifier());
        names.addAll(List.of("crf.transitions", "crf.start_transitions", "qa_outputs.weight"));
        RateFactors rates = new ParameterGroups(names, P, 1.0, 50.0, false).rates();
        List<String> fast = names.stream().filter(n -> rates.of(n) == 50.0).toList();
        assertEquals(List.of(P + "pooler.dense.weight", P + "pooler.dense.bias", "classifier.weight", "classifier.bias",
                "crf.transitions", "crf.start_transitions", "qa_outputs.weight"), fast);
        names.stream().filter(n -> !fast.contains(n)).forEach(n -> assertEquals(1.0, rates.of(n), n));
    }

    @Test
    void frozenEmbeddingsLeaveTheOptimizer() {
        List<String> names = nezhaClassifier();
        List<String> trainable = new ParameterGroups(names, P, 1.0, 1.0, true).trainable();
        assertEquals(names.subList(4, names.size()), trainable);
    }

    /** ALBERT: the projection is with the embeddings; two shared groups are two layers. */
    @Test
    void albertCountsItsLayerGroups() {
        String a = "albert.";
        List<String> names = List.of(a + "embeddings.word_embeddings.weight", a + "encoder.embedding_hidden_mapping_in.weight",
                a + "encoder.albert_layer_groups.0.albert_layers.0.ffn.weight",
                a + "encoder.albert_layer_groups.1.albert_layers.0.ffn.weight", a + "pooler.weight", "classifier.weight");
        ParameterGroups groups = new ParameterGroups(names, a, 0.5, 2.0, true);
        RateFactors rates = groups.rates();
        assertEquals(0.25, rates.of(names.get(0)), 1e-12);
        assertEquals(0.25, rates.of(names.get(1)), 1e-12);
        assertEquals(0.5, rates.of(names.get(2)), 1e-12);
        assertEquals(1.0, rates.of(names.get(3)), 1e-12);
        assertEquals(2.0, rates.of(names.get(4)), 1e-12);
        assertEquals(2.0, rates.of(names.get(5)), 1e-12);
        assertEquals(names.subList(1, names.size()), groups.trainable(), "the projection trains; only the embeddings freeze");
    }
}
