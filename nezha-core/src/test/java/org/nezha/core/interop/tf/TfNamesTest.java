package org.nezha.core.interop.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TfNamesTest {
    private static void assertKept(String tf, String hf, boolean transpose) {
        TfNames.Mapping m = TfNames.map(tf);
        assertTrue(m.kept(), tf + " dropped as " + m.dropReason());
        assertEquals(hf, m.hfName(), tf);
        assertEquals(transpose, m.transpose(), tf);
    }

    private static void assertDropped(String tf, String reason) {
        TfNames.Mapping m = TfNames.map(tf);
        assertFalse(m.kept(), tf + " kept as " + m.hfName());
        assertEquals(reason, m.dropReason(), tf);
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
}
