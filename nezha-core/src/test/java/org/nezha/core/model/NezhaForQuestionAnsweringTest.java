package org.nezha.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.io.SafeTensors;
import org.nezha.core.tensor.Tensors;
import org.nezha.core.tokenizer.TokenizerOptions;

/** The span head: HF's names and shapes, HF's loss, and a save/load round trip. */
class NezhaForQuestionAnsweringTest {
    private static NezhaForQuestionAnswering model(NezhaConfig config, long seed) {
        torch.manual_seed(seed);
        return new NezhaForQuestionAnswering(config, new EagerAttention());
    }

    @Test
    void givesAStartAndAnEndScorePerToken() {
        try (PointerScope scope = new PointerScope()) {
            NezhaForQuestionAnswering model = model(TinyModels.nezha(2), 1);
            Tensor[] in = TinyModels.batch(3);
            assertArrayEquals(new long[] {2, 9, 2}, model.logits(in[0], in[1], in[2], false).sizes().vec().get());
            Map<String, Tensor> params = model.parameters().asMap();
            assertArrayEquals(new long[] {2, 32}, params.get("qa_outputs.weight").sizes().vec().get());
            assertArrayEquals(new long[] {2}, params.get("qa_outputs.bias").sizes().vec().get());
            assertFalse(params.keySet().stream().anyMatch(n -> n.contains("pooler")), "HF's span models have no pooler");
        }
    }

    /** weight × Σ rows (CE(start) + CE(end)) / 2, over every position of the row, padding included (as HF). */
    @Test
    void lossIsHfsMeanOfStartAndEndCrossEntropy() {
        try (PointerScope scope = new PointerScope()) {
            NezhaForQuestionAnswering model = model(TinyModels.nezha(2), 2);
            Tensor[] in = TinyModels.batch(4);
            long[][] targets = {{3, 5}, {0, 0}};
            Tensor logits = model.logits(in[0], in[1], in[2], false);
            double weight = 0.25;
            double loss = model.loss(logits, Tensors.longs(new long[] {3, 5, 0, 0}, TinyModels.CPU, 2, 2), in[2], weight).item_double();
            double expected = weight * sides(logits, targets, ce -> ce) / 2;
            assertEquals(expected, loss, 1e-5 * expected);
        }
    }

    /** A chosen loss takes cross-entropy's place on each side: focal γ = 1 by hand, and "ce" equals the default. */
    @Test
    void aChosenLossReplacesEachSidesCrossEntropy() {
        try (PointerScope scope = new PointerScope()) {
            NezhaForQuestionAnswering model = model(TinyModels.nezha(2), 2);
            Tensor[] in = TinyModels.batch(4);
            long[][] targets = {{3, 5}, {0, 0}};
            Tensor targetTensor = Tensors.longs(new long[] {3, 5, 0, 0}, TinyModels.CPU, 2, 2);
            Tensor logits = model.logits(in[0], in[1], in[2], false);
            double crossEntropy = model.loss(logits, targetTensor, in[2], 0.5).item_double();
            model.useLoss(new ClassificationLoss("ce", 2, null, 0, null));
            assertEquals(crossEntropy, model.loss(logits, targetTensor, in[2], 0.5).item_double(), 1e-6 * crossEntropy);

            model.useLoss(new ClassificationLoss("focal", 1, null, 0, null));
            double expected = 0.5 * sides(logits, targets, ce -> (1 - Math.exp(-ce)) * ce) / 2; // (1 − p)·(−log p), p = e^−ce
            assertEquals(expected, model.loss(logits, targetTensor, in[2], 0.5).item_double(), 1e-5 * expected);
        }
    }

    /** Σ over the rows and their two sides of {@code loss} of the side's cross-entropy ({@code logits} [rows, 9, 2]). */
    private static double sides(Tensor logits, long[][] targets, DoubleUnaryOperator loss) {
        double[] values = Tensors.toDoubles(logits.to(ScalarType.Double));
        double total = 0;
        for (int row = 0; row < targets.length; row++) {
            for (int side = 0; side < 2; side++) {
                double[] scores = new double[9];
                for (int t = 0; t < 9; t++) scores[t] = values[(row * 9 + t) * 2 + side];
                total += loss.applyAsDouble(crossEntropy(scores, (int) targets[row][side]));
            }
        }
        return total;
    }

    private static double crossEntropy(double[] scores, int target) {
        double max = Arrays.stream(scores).max().orElseThrow();
        double sum = Arrays.stream(scores).map(s -> Math.exp(s - max)).sum();
        return max + Math.log(sum) - scores[target];
    }

    @Test
    void savesHfNamesAndLoadsBack(@TempDir Path tmp) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            NezhaConfig config = TinyModels.bert(2);
            NezhaForQuestionAnswering saved = model(config, 5);
            Path vocab = Files.writeString(tmp.resolve("vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n");
            Path dir = tmp.resolve("model");
            ModelDirectory.save(dir, saved, vocab, TokenizerOptions.defaults());
            Map<String, Tensor> stored = SafeTensors.read(dir.resolve(ModelDirectory.WEIGHTS));
            assertEquals(saved.parameters().asMap().keySet(), stored.keySet());
            assertTrue(stored.containsKey("bert.encoder.layer.1.output.dense.weight"));
            assertTrue(stored.containsKey("qa_outputs.weight"));

            NezhaForQuestionAnswering loaded = model(ModelDirectory.readConfig(dir), 6);
            Tensor[] in = TinyModels.batch(7);
            double[] before = Tensors.toDoubles(saved.logits(in[0], in[1], in[2], false));
            assertFalse(Arrays.equals(before, Tensors.toDoubles(loaded.logits(in[0], in[1], in[2], false))), "a fresh model differs");
            ParameterStore.LoadReport report = ModelDirectory.loadWeights(dir, loaded);
            assertEquals(List.of(), report.missing());
            assertEquals(List.of(), report.unexpected());
            assertArrayEquals(before, Tensors.toDoubles(loaded.logits(in[0], in[1], in[2], false)));
        }
    }

    @Test
    void aBackwardReachesTheHeadAndTheEmbeddings() {
        try (PointerScope scope = new PointerScope()) {
            NezhaForQuestionAnswering model = model(TinyModels.nezha(2), 8);
            Tensor[] in = TinyModels.batch(9);
            Tensor loss = model.loss(model.logits(in[0], in[1], in[2], true), Tensors.longs(new long[] {1, 2, 3, 4}, TinyModels.CPU, 2, 2),
                    in[2], 0.5);
            model.backward(loss);
            for (String name : List.of("qa_outputs.weight", "nezha.embeddings.word_embeddings.weight")) {
                assertTrue(model.parameters().get(name).grad().abs().sum().item_double() > 0, name);
            }
        }
    }
}
