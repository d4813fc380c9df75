package org.nezha.core.interop.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import org.nezha.core.io.CheckpointNames;
import org.nezha.core.model.ModelFamily;

/** The real index of Google's Chinese BERT-base (data shard not included), checked against its bert_config.json. */
class TfRealIndexTest {
    private static final Path DIR = Path.of("src/test/resources/tf/google_bert_chinese");

    /** Every HF weight a BERT with this config has, and its shape. */
    private static Map<String, long[]> expectedHfShapes(JsonNode config) {
        long v = config.get("vocab_size").asLong(), h = config.get("hidden_size").asLong();
        long i = config.get("intermediate_size").asLong(), p = config.get("max_position_embeddings").asLong();
        long t = config.get("type_vocab_size").asLong();
        Map<String, long[]> out = new TreeMap<>();
        out.put("bert.embeddings.word_embeddings.weight", new long[] {v, h});
        out.put("bert.embeddings.position_embeddings.weight", new long[] {p, h});
        out.put("bert.embeddings.token_type_embeddings.weight", new long[] {t, h});
        norm(out, "bert.embeddings.LayerNorm", h);
        for (int n = 0; n < config.get("num_hidden_layers").asInt(); n++) {
            String layer = "bert.encoder.layer." + n + ".";
            for (String d : new String[] {"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"}) {
                dense(out, layer + d, h, h);
            }
            norm(out, layer + "attention.output.LayerNorm", h);
            dense(out, layer + "intermediate.dense", h, i);
            dense(out, layer + "output.dense", i, h);
            norm(out, layer + "output.LayerNorm", h);
        }
        dense(out, "bert.pooler.dense", h, h);
        dense(out, "cls.predictions.transform.dense", h, h);
        norm(out, "cls.predictions.transform.LayerNorm", h);
        out.put("cls.predictions.bias", new long[] {v});
        out.put("cls.seq_relationship.weight", new long[] {2, h});
        out.put("cls.seq_relationship.bias", new long[] {2});
        return out;
    }

    private static void dense(Map<String, long[]> out, String name, long in, long outFeatures) {
        out.put(name + ".weight", new long[] {outFeatures, in});
        out.put(name + ".bias", new long[] {outFeatures});
    }

    private static void norm(Map<String, long[]> out, String name, long h) {
        out.put(name + ".weight", new long[] {h});
        out.put(name + ".bias", new long[] {h});
    }

    @Test
    void listsEveryTensorAndMapsEveryModelWeightWithItsShape() throws Exception {
        JsonNode config = new ObjectMapper().readTree(DIR.resolve("bert_config.json").toFile());
        assertEquals(21128, config.get("vocab_size").asInt());
        Map<String, long[]> expected = expectedHfShapes(config);
        assertEquals(5 + 12 * 16 + 2 + 4 + 1 + 2, expected.size());

        Map<String, long[]> mapped = new TreeMap<>();
        try (TensorBundle bundle = TensorBundle.open(DIR.resolve("bert_model.ckpt.index"))) {
            for (BundleEntry e : bundle.entries()) {
                assertEquals(TfDType.DT_FLOAT, e.dtype(), e.name());
                assertEquals(e.elements() * 4, e.size(), e.name() + " size");
                TfNames.Mapping m = TfNames.map(e.name());
                if (!m.kept()) {
                    assertNotEquals(TfNames.NOT_MODEL, m.dropReason(), e.name() + " is neither model nor optimizer state");
                    continue;
                }
                long[] shape = e.shape().clone();
                if (m.transpose()) shape = new long[] {shape[1], shape[0]};
                assertEquals(null, mapped.put(m.hfName(), shape), "two TF tensors map to " + m.hfName());
            }
        }
        assertEquals(expected.keySet(), mapped.keySet());
        for (Map.Entry<String, long[]> e : expected.entrySet()) assertArrayEquals(e.getValue(), mapped.get(e.getKey()), e.getKey());

        // the engine's own name table keeps every one of them (placeholders stand in for the absent data)
        Map<String, Tensor> placeholders = new LinkedHashMap<>();
        for (String name : mapped.keySet()) placeholders.put(name, new Tensor());
        assertEquals(mapped.size(), CheckpointNames.canonicalize(placeholders, ModelFamily.BERT).size());
    }
}
