package org.nezha.core.interop.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import org.nezha.core.model.ModelFamily;

class TfNamesTest {
    private static void assertKept(String tf, String hf, boolean transpose) {
        assertKept(TfNames.map(tf), tf, hf, transpose);
    }

    private static void assertKept(TfNames.Mapping m, String tf, String hf, boolean transpose) {
        assertTrue(m.kept(), tf + " dropped as " + m.dropReason());
        assertEquals(hf, m.hfName(), tf);
        assertEquals(transpose, m.transpose(), tf);
    }

    private static void assertDropped(String tf, String reason) {
        assertDropped(TfNames.map(tf), tf, reason);
    }

    private static void assertDropped(TfNames.Mapping m, String tf, String reason) {
        assertFalse(m.kept(), tf + " kept as " + m.hfName());
        assertEquals(reason, m.dropReason(), tf);
    }

    /** An ALBERT name maps the same told the family as detected, under Google's bert/ scope and under albert/. */
    private static void assertAlbert(String tf, String hf, boolean transpose) {
        for (String scoped : new String[] {tf, tf.replaceFirst("^bert/", "albert/")}) {
            assertKept(TfNames.map(scoped, ModelFamily.ALBERT), scoped, hf, transpose);
        }
    }

    @Test
    void mapsBertVariablesToHfNamesTransposingKernels() {
        assertKept("bert/embeddings/word_embeddings", "bert.embeddings.word_embeddings.weight", false);
        assertKept("bert/embeddings/position_embeddings", "bert.embeddings.position_embeddings.weight", false);
        assertKept("bert/embeddings/token_type_embeddings", "bert.embeddings.token_type_embeddings.weight", false);
        assertKept("bert/embeddings/LayerNorm/gamma", "bert.embeddings.LayerNorm.weight", false);
        assertKept("bert/embeddings/LayerNorm/beta", "bert.embeddings.LayerNorm.bias", false);
        assertKept("bert/encoder/layer_11/attention/self/query/kernel", "bert.encoder.layer.11.attention.self.query.weight", true);
        assertKept("bert/encoder/layer_0/attention/self/value/bias", "bert.encoder.layer.0.attention.self.value.bias", false);
        assertKept("bert/encoder/layer_3/output/LayerNorm/gamma", "bert.encoder.layer.3.output.LayerNorm.weight", false);
        assertKept("bert/encoder/layer_3/intermediate/dense/kernel", "bert.encoder.layer.3.intermediate.dense.weight", true);
        assertKept("bert/pooler/dense/kernel", "bert.pooler.dense.weight", true);
        assertKept("cls/predictions/transform/dense/kernel", "cls.predictions.transform.dense.weight", true);
        assertKept("cls/predictions/transform/LayerNorm/beta", "cls.predictions.transform.LayerNorm.bias", false);
        assertKept("cls/predictions/output_bias", "cls.predictions.bias", false);
        assertKept("cls/seq_relationship/output_weights", "cls.seq_relationship.weight", false);
        assertKept("cls/seq_relationship/output_bias", "cls.seq_relationship.bias", false);
    }

    @Test
    void dropsOptimizerStateStepCounterAveragesAndStrangers() {
        assertDropped("bert/encoder/layer_0/attention/self/query/kernel/adam_m", TfNames.OPTIMIZER_SLOT);
        assertDropped("bert/embeddings/word_embeddings/adam_v", TfNames.OPTIMIZER_SLOT);
        assertDropped("bert/pooler/dense/bias/Momentum", TfNames.OPTIMIZER_SLOT);
        assertDropped("bert/pooler/dense/kernel/Adam_1", TfNames.OPTIMIZER_SLOT);
        assertDropped("beta1_power", TfNames.OPTIMIZER_SLOT);
        assertDropped("global_step", TfNames.TRAINING_STEP);
        assertDropped("bert/pooler/dense/kernel/ExponentialMovingAverage", TfNames.MOVING_AVERAGE);
        assertDropped("loss_scale/good_steps", TfNames.NOT_MODEL);
        assertDropped("bert/encoder/layer_0/attention/self/relative_positions", TfNames.NOT_MODEL);
        assertDropped("output_weights", TfNames.NOT_MODEL);
    }

    @Test
    void mapsGoogleAlbertVariablesToHfAlbertNames() {
        String group = "bert/encoder/transformer/group_1/inner_group_0/";
        String layer = "albert.encoder.albert_layer_groups.1.albert_layers.0.";
        assertAlbert("bert/embeddings/word_embeddings", "albert.embeddings.word_embeddings.weight", false);
        assertAlbert("bert/embeddings/position_embeddings", "albert.embeddings.position_embeddings.weight", false);
        assertAlbert("bert/embeddings/token_type_embeddings", "albert.embeddings.token_type_embeddings.weight", false);
        assertAlbert("bert/embeddings/LayerNorm/gamma", "albert.embeddings.LayerNorm.weight", false);
        assertAlbert("bert/embeddings/LayerNorm/beta", "albert.embeddings.LayerNorm.bias", false);
        assertAlbert("bert/encoder/embedding_hidden_mapping_in/kernel", "albert.encoder.embedding_hidden_mapping_in.weight", true);
        assertAlbert("bert/encoder/embedding_hidden_mapping_in/bias", "albert.encoder.embedding_hidden_mapping_in.bias", false);
        for (String qkv : new String[] {"query", "key", "value"}) {
            assertAlbert(group + "attention_1/self/" + qkv + "/kernel", layer + "attention." + qkv + ".weight", true);
            assertAlbert(group + "attention_1/self/" + qkv + "/bias", layer + "attention." + qkv + ".bias", false);
        }
        assertAlbert(group + "attention_1/output/dense/kernel", layer + "attention.dense.weight", true);
        assertAlbert(group + "attention_1/output/dense/bias", layer + "attention.dense.bias", false);
        assertAlbert(group + "LayerNorm/gamma", layer + "attention.LayerNorm.weight", false);
        assertAlbert(group + "LayerNorm/beta", layer + "attention.LayerNorm.bias", false);
        assertAlbert(group + "ffn_1/intermediate/dense/kernel", layer + "ffn.weight", true);
        assertAlbert(group + "ffn_1/intermediate/dense/bias", layer + "ffn.bias", false);
        assertAlbert(group + "ffn_1/intermediate/output/dense/kernel", layer + "ffn_output.weight", true);
        assertAlbert(group + "ffn_1/intermediate/output/dense/bias", layer + "ffn_output.bias", false);
        assertAlbert(group + "LayerNorm_1/gamma", layer + "full_layer_layer_norm.weight", false);
        assertAlbert(group + "LayerNorm_1/beta", layer + "full_layer_layer_norm.bias", false);
        assertAlbert("bert/pooler/dense/kernel", "albert.pooler.weight", true);
        assertAlbert("bert/pooler/dense/bias", "albert.pooler.bias", false);
        assertAlbert("cls/predictions/transform/dense/kernel", "predictions.dense.weight", true);
        assertAlbert("cls/predictions/transform/LayerNorm/gamma", "predictions.LayerNorm.weight", false);
        assertAlbert("cls/predictions/output_bias", "predictions.bias", false);
        assertAlbert("cls/seq_relationship/output_weights", "sop_classifier.classifier.weight", false);
        assertAlbert("cls/seq_relationship/output_bias", "sop_classifier.classifier.bias", false);
        assertAlbert("output_weights", "classifier.weight", false);
        assertDropped(TfNames.map(group + "ffn_1/intermediate/dense/kernel/adam_m", ModelFamily.ALBERT), "adam_m", TfNames.OPTIMIZER_SLOT);
    }

    /** Without a family, only names that are ALBERT's alone take ALBERT's names; BERT's keep theirs. */
    @Test
    void albertShapedNamesAreToldApartWithoutAFamily() {
        assertKept("bert/encoder/transformer/group_0/inner_group_0/attention_1/self/key/kernel",
                "albert.encoder.albert_layer_groups.0.albert_layers.0.attention.key.weight", true);
        assertKept("bert/encoder/embedding_hidden_mapping_in/kernel", "albert.encoder.embedding_hidden_mapping_in.weight", true);
        assertKept("albert/pooler/dense/kernel", "albert.pooler.weight", true);
        assertKept("bert/pooler/dense/kernel", "bert.pooler.dense.weight", true);
        assertKept(TfNames.map("bert/encoder/layer_2/output/dense/bias", ModelFamily.BERT), "bert/encoder/layer_2/output/dense/bias",
                "bert.encoder.layer.2.output.dense.bias", false);
        assertKept(TfNames.map("bert/encoder/layer_2/output/dense/bias", ModelFamily.NEZHA), "bert/encoder/layer_2/output/dense/bias",
                "bert.encoder.layer.2.output.dense.bias", false);
    }

    /**
     * brightmart's albert_zh projects the word embeddings alone to the hidden size, before the position and
     * type embeddings and the LayerNorm; HF's ALBERT projects the normalised sum: named as not importable.
     */
    @Test
    void brightmartAlbertZhIsReportedNotImportable() {
        for (String tf : new String[] {"bert/embeddings/word_embeddings_2", "bert/encoder/layer_shared/attention/self/query/kernel",
            "bert/encoder/layer_shared/output/LayerNorm/gamma"}) {
            assertDropped(tf, TfNames.BRIGHTMART_ALBERT);
            assertDropped(TfNames.map(tf, ModelFamily.ALBERT), tf, TfNames.BRIGHTMART_ALBERT);
        }
        assertTrue(TfNames.BRIGHTMART_ALBERT.contains("not importable"), TfNames.BRIGHTMART_ALBERT);
    }
}
