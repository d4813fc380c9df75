package org.nezha.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.tensor.Tensors;
import org.nezha.core.tokenizer.TokenizerOptions;

/** The token classifier's layout, its two losses' contract, and a save/load round trip with the CRF. */
class NezhaForTokenClassificationTest {
    private static final List<String> TAGS = List.of("O", "B-X", "I-X", "B-Y", "I-Y");
    private static final int L = 9;
    /** Row 0: [CLS] and a later piece ignored; row 1: 5 tokens, then padding. */
    private static final long[] TARGETS = {-100, 1, 2, -100, 0, 3, 4, 0, -100, -100, 0, 1, 2, -100, -100, -100, -100, -100};

    private static NezhaConfig config(boolean crf) {
        return TinyModels.nezha(2).withLabels(TAGS).withCrf(crf);
    }

    private static NezhaForTokenClassification model(boolean crf, long seed) {
        torch.manual_seed(seed);
        return new NezhaForTokenClassification(config(crf), new EagerAttention());
    }

    private static Tensor logits(NezhaForTokenClassification model) {
        Tensor[] in = TinyModels.batch(5);
        return model.logits(in[0], in[1], in[2], false);
    }

    @Test
    void hasHfsTokenClassifierLayoutAndTheCrfOnlyWhenAsked() {
        try (PointerScope scope = new PointerScope()) {
            NezhaForTokenClassification plain = model(false, 1), crf = model(true, 1);
            Map<String, Tensor> params = crf.parameters().asMap();
            assertArrayEquals(new long[] {5, 32}, params.get("classifier.weight").sizes().vec().get());
            assertArrayEquals(new long[] {5, 5}, params.get("crf.transitions").sizes().vec().get());
            assertArrayEquals(new long[] {5}, params.get("crf.start_transitions").sizes().vec().get());
            assertArrayEquals(new long[] {5}, params.get("crf.end_transitions").sizes().vec().get());
            assertFalse(plain.parameters().contains("crf.transitions"));
            assertFalse(params.containsKey("nezha.pooler.dense.weight"), "HF's token classifier has no pooler");
            assertNull(plain.crfScores());
            assertArrayEquals(new long[] {2, L, 5}, logits(plain).sizes().vec().get());

            Map<String, long[]> shapes = ModelShapes.of(config(true));
            for (String name : List.of("crf.transitions", "crf.start_transitions", "crf.end_transitions")) {
                assertArrayEquals(params.get(name).sizes().vec().get(), shapes.get(name), name);
            }
            assertFalse(ModelShapes.of(config(false)).containsKey("crf.transitions"));
        }
    }

    /** weight × Σ over rows of the row's mean cross-entropy over its scored tokens. */
    @Test
    void softmaxLossIsTheWeightedSumOfRowMeans() {
        try (PointerScope scope = new PointerScope()) {
            NezhaForTokenClassification model = model(false, 2);
            Tensor logits = logits(model);
            double expected = rowMeans(Tensors.toDoubles(logits), (logProbabilities, target) -> -logProbabilities[target]);
            double got = model.loss(logits, targets(), null, 0.25).item_double();
            assertEquals(0.25 * expected, got, 1e-5 * got);
        }
    }

    /**
     * A chosen loss replaces each scored token's cross-entropy, still averaged per row: "ce" equals the default,
     * label smoothing ε matches its formula over the tags; a CRF head refuses one.
     */
    @Test
    void aChosenLossIsAveragedOverEachRowsScoredTokens() {
        try (PointerScope scope = new PointerScope()) {
            NezhaForTokenClassification model = model(false, 2);
            Tensor logits = logits(model);
            double crossEntropy = model.loss(logits, targets(), null, 0.25).item_double();
            model.useLoss(new ClassificationLoss("ce", 2, null, 0, null));
            assertEquals(crossEntropy, model.loss(logits, targets(), null, 0.25).item_double(), 1e-6 * crossEntropy);

            double eps = 0.2;
            double expected = rowMeans(Tensors.toDoubles(logits),
                    (logProbabilities, target) -> -(1 - eps) * logProbabilities[target] - eps * Arrays.stream(logProbabilities).average().orElseThrow());
            model.useLoss(new ClassificationLoss("label-smoothing", 2, null, eps, null));
            double got = model.loss(logits, targets(), null, 0.25).item_double();
            assertEquals(0.25 * expected, got, 1e-5 * got);

            ClassificationLoss focal = new ClassificationLoss("focal", 2, null, 0, null);
            assertThrows(IllegalArgumentException.class, () -> model(true, 3).useLoss(focal));
        }
    }

    /** A token's loss from its log-probabilities over the tags and its gold tag. */
    private interface TokenLoss {
        double of(double[] logProbabilities, int target);
    }

    /** Σ over the two rows of the mean of {@code loss} over the row's scored tokens ({@code logits}: [2, L, 5] flattened). */
    private static double rowMeans(double[] logits, TokenLoss loss) {
        double total = 0;
        for (int r = 0; r < 2; r++) {
            double sum = 0;
            int count = 0;
            for (int i = 0; i < L; i++) {
                long target = TARGETS[r * L + i];
                if (target == TaskModel.IGNORED) continue;
                double[] scores = Arrays.copyOfRange(logits, (r * L + i) * 5, (r * L + i + 1) * 5);
                double max = Arrays.stream(scores).max().orElseThrow();
                double logZ = max + Math.log(Arrays.stream(scores).map(v -> Math.exp(v - max)).sum());
                sum += loss.of(Arrays.stream(scores).map(v -> v - logZ).toArray(), (int) target);
                count++;
            }
            total += sum / count;
        }
        return total;
    }

    /** weight × Σ over rows of the chain's negative log-likelihood divided by its length. */
    @Test
    void crfLossIsTheWeightedSumOfPerTokenNegativeLogLikelihoods() {
        try (PointerScope scope = new PointerScope()) {
            NezhaForTokenClassification model = model(true, 3);
            Tensor logits = logits(model);
            Map<String, Tensor> p = model.parameters().asMap();
            double[] perRow = Tensors.toDoubles(LinearChainCrf.negativeLogLikelihood(logits, targets(), p.get("crf.start_transitions"),
                    p.get("crf.end_transitions"), p.get("crf.transitions")));
            double expected = 0.5 * (perRow[0] / 6 + perRow[1] / 3);
            double got = model.loss(logits, targets(), null, 0.5).item_double();
            assertEquals(expected, got, 1e-5 * got);
            assertTrue(got > 0);
        }
    }

    @Test
    void savedWithItsCrfLoadsBackComputingTheSame(@TempDir Path tmp) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            NezhaForTokenClassification saved = model(true, 4);
            Path vocab = Files.writeString(tmp.resolve("vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n");
            Path dir = tmp.resolve("model");
            ModelDirectory.save(dir, saved, vocab, TokenizerOptions.defaults());

            NezhaConfig config = ModelDirectory.readConfig(dir);
            assertTrue(config.useCrf());
            assertEquals(TAGS, config.labels());
            torch.manual_seed(99);
            NezhaForTokenClassification loaded = new NezhaForTokenClassification(config, new EagerAttention());
            ParameterStore.LoadReport report = ModelDirectory.loadWeights(dir, loaded);
            assertEquals(List.of(), report.missing());
            assertEquals(List.of(), report.unexpected());
            assertArrayEquals(Tensors.toDoubles(logits(saved)), Tensors.toDoubles(logits(loaded)));
            CrfScores a = saved.crfScores(), b = loaded.crfScores();
            assertArrayEquals(a.start(), b.start());
            assertArrayEquals(a.end(), b.end());
            for (int i = 0; i < TAGS.size(); i++) assertArrayEquals(a.transitions()[i], b.transitions()[i]);
        }
    }

    private static Tensor targets() {
        return Tensors.longs(TARGETS, TinyModels.CPU, 2, L);
    }
}
