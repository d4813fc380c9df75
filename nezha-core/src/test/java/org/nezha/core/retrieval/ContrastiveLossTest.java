package org.nezha.core.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.nezha.core.tensor.Tensors;

/** Both losses against the formulas spelled out in float64 Java on the same (float32) inputs. */
class ContrastiveLossTest {

    @ParameterizedTest(name = "B {0}, d {1}, temperature {2}, hard negatives {3}")
    @CsvSource({"4, 8, 0.05, false", "4, 8, 0.05, true", "6, 5, 1, false", "6, 5, 1, true", "1, 3, 0.05, true"})
    void infoNceMatchesFloat64(int batch, int dim, double temperature, boolean hard) {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(batch * 100L + dim);
            Tensor q = torch.randn(batch, dim).set_requires_grad(true);
            Tensor p = torch.randn(batch, dim).set_requires_grad(true);
            Tensor n = hard ? torch.randn(batch, dim).set_requires_grad(true) : null;

            Tensor loss = ContrastiveLoss.infoNce(q, p, n, temperature);
            double expected = referenceInfoNce(rows(q, batch, dim), rows(p, batch, dim),
                    hard ? rows(n, batch, dim) : new double[0][], temperature);

            assertEquals(0, loss.dim());
            assertEquals(expected, loss.item_double(), 1e-5 * Math.max(1, Math.abs(expected)));
            loss.backward();
            assertFiniteAndNonZero(q.grad(), "query");
            assertFiniteAndNonZero(p.grad(), "positive");
            if (hard) assertFiniteAndNonZero(n.grad(), "hard negative");
        }
    }

    /** −mean_i log softmax_j(cos(q_i, c_j) / τ)[i] over candidates c = positives then hard negatives. */
    private static double referenceInfoNce(double[][] q, double[][] p, double[][] n, double temperature) {
        double[][] candidates = new double[p.length + n.length][];
        for (int i = 0; i < p.length; i++) candidates[i] = unit(p[i]);
        for (int i = 0; i < n.length; i++) candidates[p.length + i] = unit(n[i]);
        double total = 0;
        for (int i = 0; i < q.length; i++) {
            double[] qi = unit(q[i]);
            double[] logits = new double[candidates.length];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < candidates.length; j++) {
                logits[j] = dot(qi, candidates[j]) / temperature;
                max = Math.max(max, logits[j]);
            }
            double sum = 0;
            for (double logit : logits) sum += Math.exp(logit - max);
            total += max + Math.log(sum) - logits[i];
        }
        return total / q.length;
    }

    @ParameterizedTest(name = "N {0}, lambda {1}")
    @CsvSource({"8, 20", "16, 20", "5, 1"})
    void cosentMatchesFloat64(int count, double lambda) {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(count);
            Tensor cos = torch.rand(count).mul(Tensors.scalar(2)).sub(Tensors.scalar(1)).set_requires_grad(true);
            double[] gold = new double[count];
            for (int i = 0; i < count; i++) gold[i] = (i * 7) % 4; // grades 0..3, with ties
            Tensor goldTensor = Tensors.doubles(gold, count);

            Tensor loss = lambda == ContrastiveLoss.COSENT_LAMBDA
                    ? ContrastiveLoss.cosent(cos, goldTensor) : ContrastiveLoss.cosent(cos, goldTensor, lambda);
            double expected = referenceCosent(Tensors.toDoubles(cos), gold, lambda);

            assertEquals(0, loss.dim());
            assertEquals(expected, loss.item_double(), 1e-5 * Math.max(1, Math.abs(expected)));
            loss.backward();
            assertFiniteAndNonZero(cos.grad(), "cosine");
        }
    }

    @Test
    void cosentHandComputed() {
        // gold_0 = 1 > gold_1 = 0: one pair, term λ (cos_1 − cos_0) = 20 (0.5 − 0.2) = 6 (ranked the wrong way: a large loss)
        try (PointerScope scope = new PointerScope()) {
            Tensor loss = ContrastiveLoss.cosent(Tensors.floats(new float[] {0.2f, 0.5f}, 2), Tensors.floats(new float[] {1, 0}, 2));
            assertEquals(Math.log1p(Math.exp(6)), loss.item_double(), 1e-5);
            // the right way round: term −6
            Tensor right = ContrastiveLoss.cosent(Tensors.floats(new float[] {0.5f, 0.2f}, 2), Tensors.floats(new float[] {1, 0}, 2));
            assertEquals(Math.log1p(Math.exp(-6)), right.item_double(), 1e-6);
            // equal gold: no pair, log(1 + 0) = 0
            Tensor none = ContrastiveLoss.cosent(Tensors.floats(new float[] {0.9f, -0.9f}, 2), Tensors.floats(new float[] {2, 2}, 2));
            assertEquals(0, none.item_double(), 1e-12);
        }
    }

    /** log(1 + Σ_{gold_i > gold_j} exp(λ (cos_j − cos_i))), summed stably around the largest term. */
    private static double referenceCosent(double[] cos, double[] gold, double lambda) {
        List<Double> terms = new ArrayList<>(List.of(0.0));
        for (int i = 0; i < cos.length; i++) {
            for (int j = 0; j < cos.length; j++) {
                if (gold[i] > gold[j]) terms.add(lambda * (cos[j] - cos[i]));
            }
        }
        double max = terms.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return max + Math.log(terms.stream().mapToDouble(t -> Math.exp(t - max)).sum());
    }

    @Test
    void shapesAreChecked() {
        try (PointerScope scope = new PointerScope()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ContrastiveLoss.infoNce(torch.randn(4, 8), torch.randn(4, 7), null, 0.05));
            assertEquals("positives [4, 7] do not match queries [4, 8] (both must be [B, d])", e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> ContrastiveLoss.infoNce(torch.randn(4, 8), torch.randn(4, 8), torch.randn(3, 8), 0.05));
            assertThrows(IllegalArgumentException.class,
                    () -> ContrastiveLoss.infoNce(torch.randn(4, 8), torch.randn(4, 8), null, 0));
            assertThrows(IllegalArgumentException.class, () -> ContrastiveLoss.cosent(torch.randn(4), torch.randn(5)));
        }
    }

    private static double[][] rows(Tensor t, int batch, int dim) {
        double[] flat = Tensors.toDoubles(t);
        double[][] rows = new double[batch][dim];
        for (int i = 0; i < batch; i++) System.arraycopy(flat, i * dim, rows[i], 0, dim);
        return rows;
    }

    private static double[] unit(double[] v) {
        double norm = Math.sqrt(dot(v, v));
        double[] u = new double[v.length];
        for (int i = 0; i < v.length; i++) u[i] = v[i] / norm;
        return u;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static void assertFiniteAndNonZero(Tensor grad, String what) {
        assertTrue(grad.defined(), what + " has no gradient");
        double[] g = Tensors.toDoubles(grad);
        double sumAbs = 0;
        for (double x : g) {
            assertTrue(Double.isFinite(x), what + " gradient not finite: " + x);
            sumAbs += Math.abs(x);
        }
        assertTrue(sumAbs > 0, what + " gradient is all zero");
    }
}
