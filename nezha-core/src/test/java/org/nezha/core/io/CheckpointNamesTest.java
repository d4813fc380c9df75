package org.nezha.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import org.nezha.core.model.ModelFamily;

class CheckpointNamesTest {
    private static final ModelFamily NEZHA = ModelFamily.NEZHA, BERT = ModelFamily.BERT, ALBERT = ModelFamily.ALBERT;

    @Test
    void mapsHuaweiBertAndTfConvertedNamesToHf() {
        assertEquals("nezha.encoder.layer.3.attention.output.LayerNorm.weight",
                CheckpointNames.canonicalName("bert.encoder.layer.3.attention.output.LayerNorm.gamma", true, NEZHA));
        assertEquals("nezha.embeddings.LayerNorm.bias", CheckpointNames.canonicalName("bert.embeddings.LayerNorm.beta", true, NEZHA));
        assertEquals("nezha.pooler.dense.weight", CheckpointNames.canonicalName("pooler.dense.weight", true, NEZHA));
        assertEquals("nezha.embeddings.word_embeddings.weight",
                CheckpointNames.canonicalName("nezha.embeddings.word_embeddings.weight", true, NEZHA));
        assertEquals("cls.predictions.transform.LayerNorm.weight",
                CheckpointNames.canonicalName("cls.predictions.transform.LayerNorm.gamma", true, NEZHA));
        assertEquals("classifier.weight", CheckpointNames.canonicalName("classifier.weight", true, NEZHA));
        assertEquals("nezha.encoder.layer.0.output.LayerNorm.bias",
                CheckpointNames.canonicalName("encoder.layer.0.output.layer_norm.bias", true, NEZHA));
    }

    /** A BERT keeps HF's bert. names, whichever prefix (this engine's older saves said nezha.) or none it was stored with. */
    @Test
    void bertNamesStayBertWhateverPrefixTheyCameWith() {
        for (String stored : new String[] {"bert.", "nezha.", ""}) {
            assertEquals("bert.encoder.layer.1.attention.self.query.weight",
                    CheckpointNames.canonicalName(stored + "encoder.layer.1.attention.self.query.weight", true, BERT));
            assertEquals("bert.embeddings.LayerNorm.weight", CheckpointNames.canonicalName(stored + "embeddings.LayerNorm.gamma", true, BERT));
            assertEquals("bert.pooler.dense.bias", CheckpointNames.canonicalName(stored + "pooler.dense.bias", true, BERT));
        }
        assertEquals("cls.seq_relationship.weight", CheckpointNames.canonicalName("cls.seq_relationship.weight", true, BERT));
    }

    @Test
    void albertNamesStayHfAlbertNames() {
        String layer = "albert.encoder.albert_layer_groups.1.albert_layers.0.";
        for (String module : new String[] {"attention.query", "attention.dense", "attention.LayerNorm", "ffn", "ffn_output",
            "full_layer_layer_norm"}) {
            assertEquals(layer + module + ".weight", CheckpointNames.canonicalName(layer + module + ".weight", true, ALBERT));
        }
        assertEquals(layer + "full_layer_layer_norm.bias", CheckpointNames.canonicalName(layer + "full_layer_layer_norm.beta", true, ALBERT));
        assertEquals("albert.encoder.embedding_hidden_mapping_in.weight",
                CheckpointNames.canonicalName("albert.encoder.embedding_hidden_mapping_in.weight", true, ALBERT));
        for (String name : new String[] {"predictions.dense.weight", "predictions.LayerNorm.bias", "predictions.bias",
            "sop_classifier.classifier.weight", "classifier.bias"}) {
            assertEquals(name, CheckpointNames.canonicalName(name, true, ALBERT));
        }
        // a bare AlbertModel, and the pooler, which ALBERT keeps as a plain Linear
        assertEquals("albert.pooler.weight", CheckpointNames.canonicalName("pooler.weight", true, ALBERT));
        assertEquals("albert.embeddings.word_embeddings.weight", CheckpointNames.canonicalName("embeddings.word_embeddings.weight", true, ALBERT));
        assertEquals(layer + "ffn.bias", CheckpointNames.canonicalName(layer.substring("albert.".length()) + "ffn.bias", true, ALBERT));
    }

    @Test
    void dropsDerivedTiedAndUnusedTensors() {
        assertNull(CheckpointNames.canonicalName("nezha.encoder.layer.0.attention.self.relative_positions_encoding.positions_encoding", true, NEZHA));
        assertNull(CheckpointNames.canonicalName("bert.embeddings.position_ids", true, BERT));
        assertNull(CheckpointNames.canonicalName("albert.embeddings.token_type_ids", true, ALBERT));
        assertNull(CheckpointNames.canonicalName("cls.predictions.decoder.weight", true, NEZHA));
        assertNull(CheckpointNames.canonicalName("predictions.decoder.weight", true, ALBERT));
        assertEquals("cls.seq_relationship.weight", CheckpointNames.canonicalName("cls.seq_relationship.weight", true, NEZHA));
        assertNull(CheckpointNames.canonicalName("cls.predictions.decoder.bias", true, NEZHA));
        assertEquals("cls.predictions.bias", CheckpointNames.canonicalName("cls.predictions.decoder.bias", false, NEZHA));
        assertNull(CheckpointNames.canonicalName("predictions.decoder.bias", true, ALBERT));
        assertEquals("predictions.bias", CheckpointNames.canonicalName("predictions.decoder.bias", false, ALBERT));
    }

    /** The decoder bias stands in for the head bias only where the checkpoint lacks the head bias itself. */
    @Test
    void canonicalizeKeepsOneCopyOfTheHeadBias() {
        Tensor bias = new Tensor(), decoderBias = new Tensor();
        Map<String, Tensor> both = new LinkedHashMap<>();
        both.put("predictions.decoder.bias", decoderBias);
        both.put("predictions.bias", bias);
        assertEquals(Map.of("predictions.bias", bias), CheckpointNames.canonicalize(both, ALBERT));
        Map<String, Tensor> decoderOnly = Map.of("predictions.decoder.bias", decoderBias, "predictions.decoder.weight", bias);
        assertEquals(Map.of("predictions.bias", decoderBias), CheckpointNames.canonicalize(decoderOnly, ALBERT));
    }
}
