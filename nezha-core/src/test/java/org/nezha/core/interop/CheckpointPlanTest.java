package org.nezha.core.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.InputException;
import org.nezha.core.config.NezhaConfig;
import org.nezha.core.interop.tf.TfNames;
import org.nezha.core.model.ModelFamily;

/** Configs as checkpoints ship them, and what a plan makes of real and generated checkpoints. */
class CheckpointPlanTest {
    private static final Path GOOGLE = Path.of("src/test/resources/tf/google_bert_chinese/bert_model.ckpt.index");
    private static final Path CONVERT = Path.of("src/test/resources/convert");

    @Test
    void googlesChineseBertIsABertWhoseEveryTensorIsUsed() {
        try (CheckpointSource source = CheckpointSources.open(GOOGLE)) {
            Path configFile = ImportedConfig.locate(null, source);
            assertEquals("bert_config.json", configFile.getFileName().toString());
            NezhaConfig config = ImportedConfig.read(configFile, null, source);
            assertEquals("bert", config.modelType(), "no model_type, absolute position embeddings in the checkpoint");
            assertTrue(config.hasAbsolutePositions());
            CheckpointPlan plan = CheckpointPlan.of(source, config);
            assertEquals(206, plan.used().size());
            assertEquals(List.of(), plan.bad());
            assertEquals(Map.of(), plan.ignoredByReason());
            assertEquals(List.of("classifier.weight", "classifier.bias", "qa_outputs.weight", "qa_outputs.bias"), plan.missing());
            assertEquals(List.of(), plan.missingFromEncoder());
            assertEquals("BertForPreTraining", plan.architecture());
        }
    }

    @Test
    void huaweisRelativePositionFieldsMakeANezha() {
        try (CheckpointSource source = CheckpointSources.open(CONVERT.resolve("nezha_tiny/tf"))) {
            NezhaConfig config = ImportedConfig.read(ImportedConfig.locate(null, source), null, source);
            assertEquals("nezha", config.modelType());
            assertEquals(NezhaConfig.RELATIVE_FUNCTIONAL, config.positionEmbeddingType());
            assertEquals(4, config.maxRelativePosition());
            CheckpointPlan plan = CheckpointPlan.of(source, config);
            assertEquals(Map.of(TfNames.OPTIMIZER_SLOT, 90, TfNames.TRAINING_STEP, 1), plan.ignoredByReason());
            assertEquals(45, plan.used().size());
        }
    }

    @Test
    void albertFieldsMakeAnAlbertAndTheSentenceHeadIsItsSopHead() {
        try (CheckpointSource source = CheckpointSources.open(CONVERT.resolve("albert_tiny/tf"))) {
            NezhaConfig config = ImportedConfig.read(ImportedConfig.locate(null, source), null, source);
            assertEquals(ModelFamily.ALBERT, ModelFamily.of(config));
            CheckpointPlan plan = CheckpointPlan.of(source, config);
            assertTrue(plan.used().stream().anyMatch(f -> f.target().equals("sop_classifier.classifier.weight")));
            assertEquals("AlbertForPreTraining", plan.architecture());
        }
    }

    @Test
    void modelTypeOverridesAndUnknownTypesAreRefused(@TempDir Path dir) throws Exception {
        try (CheckpointSource source = CheckpointSources.open(CONVERT.resolve("bert_tiny/torch"))) {
            Path configFile = ImportedConfig.locate(null, source);
            assertEquals(ModelFamily.NEZHA, ModelFamily.of(ImportedConfig.read(configFile, ModelFamily.NEZHA, source)));
            Path roberta = dir.resolve("config.json");
            Files.writeString(roberta, Files.readString(configFile).replace("\"model_type\": \"bert\"", "\"model_type\": \"roberta\""));
            InputException e = assertThrows(InputException.class, () -> ImportedConfig.read(roberta, null, source));
            assertTrue(e.getMessage().startsWith(roberta + ": "), e.getMessage());
        }
    }

    @Test
    void withoutAConfigNamesAreMappedAndNothingIsMissing() {
        try (CheckpointSource source = CheckpointSources.open(CONVERT.resolve("bert_tiny/torch_legacy/pytorch_model.bin"))) {
            assertEquals(ModelFamily.BERT, ImportedConfig.guessFamily(source));
            CheckpointPlan plan = CheckpointPlan.unchecked(source, ModelFamily.BERT);
            assertEquals(List.of(), plan.missing());
            assertEquals(46, plan.used().size());
            assertEquals(3, plan.ignoredByReason().get(CheckpointPlan.DERIVED));
        }
    }
}
