package org.nezha.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.tensor.Tensors;

/**
 * The heads' R-Drop term against a direct computation of ½(KL(P‖Q) + KL(Q‖P)), and multi-sample dropout: N
 * samples without dropout give the single sample's loss, with dropout they differ.
 */
class RDropAndMultiSampleDropoutTest {

    @Test
    void classificationKlIsOverEachRowsClasses() {
        try (PointerScope scope = new PointerScope()) {
            NezhaForSequenceClassification model = new NezhaForSequenceClassification(TinyModels.nezha(1), AttentionBackends.byName("eager"));
            Tensor a = torch.randn(4, 3), b = torch.randn(4, 3);
            double expected = 0;
            for (int row = 0; row < 4; row++) expected += symmetricKl(row(a, row), row(b, row));
            double got = model.symmetricKl(a, b, Tensors.longs(new long[4], TinyModels.CPU, 4, 1), 0.25).item_double();
            assertEquals(expected * 0.25, got, 1e-6);
        }
    }

    @Test
    void tokenKlIsEachRowsMeanOverItsScoredTokens() {
        try (PointerScope scope = new PointerScope()) {
            NezhaForTokenClassification model = new NezhaForTokenClassification(TinyModels.nezha(1), AttentionBackends.byName("eager"));
            Tensor a = torch.randn(2, 5, 3), b = torch.randn(2, 5, 3);
            long i = TaskModel.IGNORED;
            long[] targets = {i, 1, 2, i, 0, /* row 2 */ i, 0, i, i, i}; // width 5; row 1 scores 3 tokens, row 2 one
            double expected = 0;
            for (int row = 0; row < 2; row++) {
                double sum = 0;
                int scored = 0;
                for (int t = 0; t < 5; t++) {
                    if (targets[row * 5 + t] == i) continue;
                    sum += symmetricKl(row(a.select(0, row), t), row(b.select(0, row), t));
                    scored++;
                }
                expected += sum / scored;
            }
            double got = model.symmetricKl(a, b, Tensors.longs(targets, TinyModels.CPU, 2, 5), 0.5).item_double();
            assertEquals(expected * 0.5, got, 1e-6);
        }
    }

    @Test
    void spanKlAveragesTheStartAndEndDistributions() {
        try (PointerScope scope = new PointerScope()) {
            NezhaForQuestionAnswering model = new NezhaForQuestionAnswering(TinyModels.nezha(1), AttentionBackends.byName("eager"));
            Tensor a = torch.randn(2, 6, 2), b = torch.randn(2, 6, 2);
            double expected = 0;
            for (int row = 0; row < 2; row++) {
                for (int side = 0; side < 2; side++) {
                    expected += symmetricKl(Tensors.toDoubles(a.select(0, row).select(1, side)),
                            Tensors.toDoubles(b.select(0, row).select(1, side))) / 2;
                }
            }
            double got = model.symmetricKl(a, b, Tensors.longs(new long[4], TinyModels.CPU, 2, 2), 1.0).item_double();
            assertEquals(expected, got, 1e-5);
        }
    }

    @Test
    void samplesWithoutDropoutGiveTheSingleSamplesLoss() {
        try (PointerScope scope = new PointerScope()) {
            NezhaForSequenceClassification model = new NezhaForSequenceClassification(TinyModels.nezha(1), AttentionBackends.byName("eager"));
            Tensor[] batch = TinyModels.batch(3);
            Tensor targets = Tensors.longs(new long[] {0, 2}, TinyModels.CPU, 2, 1);
            double single = model.loss(model.logits(batch[0], batch[1], batch[2], true), targets, batch[2], 0.5).item_double();
            model.dropoutSamples(3);
            Tensor stacked = model.logits(batch[0], batch[1], batch[2], true);
            assertArrayEquals(new long[] {6, 3}, stacked.sizes().vec().get());
            double mean = model.loss(stacked, targets.repeat(3, 1), batch[2].repeat(3, 1), 0.5 / 3).item_double();
            assertEquals(single, mean, 1e-6);
            assertArrayEquals(new long[] {2, 3}, model.logits(batch[0], batch[1], batch[2], false).sizes().vec().get(), "evaluation: one sample");
        }
    }

    @Test
    void samplesDrawTheirOwnDropoutMasks() {
        try (PointerScope scope = new PointerScope()) {
            NezhaConfig config = TinyModels.nezha(1).with("classifier_dropout", "0.5");
            NezhaForTokenClassification model = new NezhaForTokenClassification(config, AttentionBackends.byName("eager"));
            model.dropoutSamples(2);
            Tensor[] batch = TinyModels.batch(4);
            Tensor stacked = model.logits(batch[0], batch[1], batch[2], true);
            assertEquals(4, stacked.size(0));
            assertFalse(torch.equal(stacked.narrow(0, 0, 2), stacked.narrow(0, 2, 2)), "two dropout masks");
        }
    }

    /**
     * The span head: one sample trains without dropout before qa_outputs (HF's head), several draw their own masks
     * at the classifier dropout rate; without any dropout they give the single sample's loss.
     */
    @Test
    void spanHeadDrawsMasksOnlyForSeveralSamples() {
        try (PointerScope scope = new PointerScope()) {
            Tensor[] batch = TinyModels.batch(5);
            Tensor targets = Tensors.longs(new long[] {1, 3, 0, 0}, TinyModels.CPU, 2, 2);
            NezhaForQuestionAnswering plain = new NezhaForQuestionAnswering(TinyModels.nezha(1), AttentionBackends.byName("eager"));
            double single = plain.loss(plain.logits(batch[0], batch[1], batch[2], true), targets, batch[2], 0.5).item_double();
            plain.dropoutSamples(3);
            Tensor stacked = plain.logits(batch[0], batch[1], batch[2], true);
            assertEquals(6, stacked.size(0));
            assertEquals(single, plain.loss(stacked, targets.repeat(3, 1), batch[2].repeat(3, 1), 0.5 / 3).item_double(), 1e-6);

            torch.manual_seed(8);
            NezhaForQuestionAnswering dropped = new NezhaForQuestionAnswering(TinyModels.nezha(1).with("classifier_dropout", "0.5"),
                    AttentionBackends.byName("eager"));
            assertTrue(torch.equal(dropped.logits(batch[0], batch[1], batch[2], true), dropped.logits(batch[0], batch[1], batch[2], false)),
                    "one sample: no dropout before qa_outputs");
            dropped.dropoutSamples(2);
            Tensor two = dropped.logits(batch[0], batch[1], batch[2], true);
            assertFalse(torch.equal(two.narrow(0, 0, 2), two.narrow(0, 2, 2)), "two dropout masks");
            assertEquals(2, dropped.logits(batch[0], batch[1], batch[2], false).size(0), "evaluation: one sample");
        }
    }

    private static double[] row(Tensor t, int row) {
        return Tensors.toDoubles(t.select(0, row));
    }

    /** ½ Σ p log(p/q) + q log(q/p) of the softmaxes of two score vectors, in double. */
    private static double symmetricKl(double[] a, double[] b) {
        double[] p = softmax(a), q = softmax(b);
        double kl = 0;
        for (int i = 0; i < p.length; i++) kl += p[i] * Math.log(p[i] / q[i]) + q[i] * Math.log(q[i] / p[i]);
        return kl / 2;
    }

    private static double[] softmax(double[] x) {
        double max = java.util.Arrays.stream(x).max().orElseThrow(), sum = 0;
        double[] e = new double[x.length];
        for (int i = 0; i < x.length; i++) sum += e[i] = Math.exp(x[i] - max);
        for (int i = 0; i < x.length; i++) e[i] /= sum;
        return e;
    }
}
