package org.nezha.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.io.SafeTensors;
import org.nezha.core.tensor.Tensors;
import org.nezha.core.tokenizer.TokenizerOptions;

/** A saved model holds HF's names of its family and loads back into a fresh model computing the same. */
class ModelDirectoryTest {
    private static NezhaConfig config(String family) {
        return switch (family) {
            case "nezha" -> TinyModels.nezha(2);
            case "bert" -> TinyModels.bert(2);
            default -> TinyModels.albert(3, 2, 1, 16);
        };
    }

    private static NezhaForMaskedLM pretraining(NezhaConfig config, long seed) {
        torch.manual_seed(seed);
        return new NezhaForMaskedLM(config, new EagerAttention(), true);
    }

    private static void save(Path dir, NezhaModel model) throws Exception {
        Path vocab = Files.writeString(dir.resolveSibling(dir.getFileName() + "-vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n");
        ModelDirectory.save(dir, model, vocab, TokenizerOptions.defaults());
    }

    private static double[] logits(NezhaForMaskedLM model) {
        Tensor[] in = TinyModels.batch(3);
        Tensor positions = Tensors.longs(new long[] {1, 7, 10}, TinyModels.CPU, 3);
        return Tensors.toDoubles(model.logitsAt(in[0], in[1], in[2], positions, false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nezha", "bert", "albert"})
    void savesHfNamesOfTheFamilyAndLoadsThemBack(String family, @TempDir Path tmp) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            NezhaConfig config = config(family);
            NezhaForMaskedLM saved = pretraining(config, 1);
            Path dir = tmp.resolve("model");
            save(dir, saved);

            Map<String, Tensor> stored = SafeTensors.read(dir.resolve(ModelDirectory.WEIGHTS));
            Map<String, long[]> expected = new LinkedHashMap<>(ModelShapes.of(config));
            expected.keySet().removeIf(name -> name.startsWith("classifier.") || name.startsWith("qa_outputs."));
            assertEquals(expected.keySet(), stored.keySet(), "HF's state dict of the family's ForPreTraining");
            expected.forEach((name, shape) -> assertArrayEquals(shape, stored.get(name).sizes().vec().get(), name));
            assertTrue(stored.containsKey(family + ".embeddings.word_embeddings.weight"));
            assertEquals(family, ModelDirectory.readConfig(dir).modelType());

            NezhaForMaskedLM loaded = pretraining(ModelDirectory.readConfig(dir), 2);
            assertFalse(java.util.Arrays.equals(logits(saved), logits(loaded)), "a fresh model differs");
            ParameterStore.LoadReport report = ModelDirectory.loadWeights(dir, loaded);
            assertEquals(List.of(), report.missing());
            assertEquals(List.of(), report.unexpected());
            assertArrayEquals(logits(saved), logits(loaded));
        }
    }

    /** This engine used to keep a BERT under nezha. names: such a directory still loads. */
    @Test
    void aBertSavedUnderNezhaNamesStillLoads(@TempDir Path tmp) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            NezhaForMaskedLM saved = pretraining(TinyModels.bert(2), 1);
            Path dir = tmp.resolve("old");
            save(dir, saved);
            Path weights = dir.resolve(ModelDirectory.WEIGHTS);
            Map<String, Tensor> renamed = new LinkedHashMap<>();
            SafeTensors.read(weights).forEach((name, t) -> renamed.put(name.replaceFirst("^bert\\.", "nezha."), t));
            assertTrue(renamed.containsKey("nezha.encoder.layer.1.output.dense.weight"));
            SafeTensors.write(weights, renamed, Map.of("format", "pt"));

            NezhaForMaskedLM loaded = pretraining(TinyModels.bert(2), 2);
            ParameterStore.LoadReport report = ModelDirectory.loadWeights(dir, loaded);
            assertEquals(List.of(), report.missing());
            assertEquals(List.of(), report.unexpected());
            assertArrayEquals(logits(saved), logits(loaded));
        }
    }
}
