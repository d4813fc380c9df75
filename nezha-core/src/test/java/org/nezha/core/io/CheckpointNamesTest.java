package org.nezha.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class CheckpointNamesTest {
    @Test
    void mapsHuaweiBertAndTfConvertedNamesToHf() {
        assertEquals("nezha.encoder.layer.3.attention.output.LayerNorm.weight",
                CheckpointNames.canonicalName("bert.encoder.layer.3.attention.output.LayerNorm.gamma", true));
        assertEquals("nezha.embeddings.LayerNorm.bias", CheckpointNames.canonicalName("bert.embeddings.LayerNorm.beta", true));
        assertEquals("nezha.pooler.dense.weight", CheckpointNames.canonicalName("pooler.dense.weight", true));
        assertEquals("nezha.embeddings.word_embeddings.weight",
                CheckpointNames.canonicalName("nezha.embeddings.word_embeddings.weight", true));
        assertEquals("cls.predictions.transform.LayerNorm.weight",
                CheckpointNames.canonicalName("cls.predictions.transform.LayerNorm.gamma", true));
        assertEquals("classifier.weight", CheckpointNames.canonicalName("classifier.weight", true));
    }

    @Test
    void dropsDerivedTiedAndUnusedTensors() {
        assertNull(CheckpointNames.canonicalName("nezha.encoder.layer.0.attention.self.relative_positions_encoding.positions_encoding", true));
        assertNull(CheckpointNames.canonicalName("bert.embeddings.position_ids", true));
        assertNull(CheckpointNames.canonicalName("cls.predictions.decoder.weight", true));
        assertEquals("cls.seq_relationship.weight", CheckpointNames.canonicalName("cls.seq_relationship.weight", true));
        assertNull(CheckpointNames.canonicalName("cls.predictions.decoder.bias", true));
        assertEquals("cls.predictions.bias", CheckpointNames.canonicalName("cls.predictions.decoder.bias", false));
    }
}
