package org.nezha.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.nezha.core.tensor.Tensors;

/** LAMB against a float64 loop implementation of its formula, its checkpoint state, and a quadratic it should descend. */
class LambTest {
    private static final double BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-4, WEIGHT_DECAY = 0.01;
    private static final double[] RATES = {1e-2, 5e-3, 2e-2, 1e-3};

    /** Odd-sized parameters covering every branch: decayed, excluded by name, ‖p‖ = 0 at first, no gradient. */
    private static final Map<String, long[]> SHAPES = new LinkedHashMap<>();
    static {
        SHAPES.put("encoder.dense.weight", new long[] {7, 13});
        SHAPES.put("encoder.dense.bias", new long[] {13});
        SHAPES.put("encoder.LayerNorm.weight", new long[] {13});
        SHAPES.put("head.zero.weight", new long[] {5, 3});
        SHAPES.put("unused.weight", new long[] {3, 1});
    }
    private static final String ZERO = "head.zero.weight", UNUSED = "unused.weight";

    @ParameterizedTest(name = "biasCorrection={0}")
    @ValueSource(booleans = {true, false})
    void matchesLoopReference(boolean biasCorrection) {
        try (PointerScope scope = new PointerScope()) {
            Random random = new Random(biasCorrection ? 11 : 12);
            Map<String, double[]> want = new LinkedHashMap<>();
            Map<String, Tensor> params = new LinkedHashMap<>();
            SHAPES.forEach((name, shape) -> {
                double[] values = name.equals(ZERO) ? new double[size(shape)] : gaussians(random, size(shape), 1);
                want.put(name, values.clone());
                params.put(name, Tensors.doubles(values, shape).set_requires_grad(true));
            });
            Lamb lamb = new Lamb(params, BETA1, BETA2, EPS, WEIGHT_DECAY, biasCorrection, AdamW::decayedByDefault);
            ReferenceLamb reference = new ReferenceLamb(biasCorrection);
            for (int step = 0; step < RATES.length; step++) {
                // gradients small enough that ε matters against √v̂
                Map<String, double[]> grads = gradients(random, 1e-3);
                setGradients(params, grads);
                lamb.step(RATES[step]);
                reference.step(want, grads, RATES[step]);
                lamb.zeroGrad();
            }
            assertEquals(RATES.length, lamb.stepCount());
            for (String name : SHAPES.keySet()) {
                double[] got = Tensors.toDoubles(params.get(name));
                double[] expected = want.get(name);
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], got[i], 1e-12 * (1 + Math.abs(expected[i])), name + "[" + i + "]");
                }
            }
            assertFalse(params.get(UNUSED).grad().defined(), "a parameter without gradient stays without one");
        }
    }

    @Test
    void stateRoundTripContinuesIdentically() {
        try (PointerScope scope = new PointerScope()) {
            Random random = new Random(5);
            Map<String, Tensor> first = new LinkedHashMap<>(), second = new LinkedHashMap<>();
            SHAPES.forEach((name, shape) -> first.put(name, Tensors.floats(floats(gaussians(random, size(shape), 1)), shape)
                    .set_requires_grad(true)));
            Lamb original = new Lamb(first, BETA1, BETA2, EPS, WEIGHT_DECAY, true, AdamW::decayedByDefault);
            for (int step = 0; step < 2; step++) {
                setGradients(first, gradients(random, 1e-2));
                original.step(RATES[step]);
            }
            first.forEach((name, p) -> second.put(name, p.detach().clone().set_requires_grad(true)));
            Map<String, Tensor> saved = new LinkedHashMap<>();
            original.state().forEach((name, t) -> saved.put(name, t.clone()));
            assertEquals(2 * SHAPES.size(), saved.size());
            assertTrue(saved.containsKey("exp_avg.encoder.dense.weight"));
            assertTrue(saved.containsKey("exp_avg_sq.encoder.dense.weight"));

            Lamb restored = new Lamb(second, BETA1, BETA2, EPS, WEIGHT_DECAY, true, AdamW::decayedByDefault);
            restored.loadState(saved, original.stepCount());
            assertEquals(2, restored.stepCount());
            for (int step = 2; step < RATES.length; step++) {
                Map<String, double[]> grads = gradients(random, 1e-2);
                setGradients(first, grads);
                setGradients(second, grads);
                original.step(RATES[step]);
                restored.step(RATES[step]);
            }
            for (String name : SHAPES.keySet()) {
                assertArrayEquals(Tensors.toFloats(first.get(name)), Tensors.toFloats(second.get(name)), name);
            }
        }
    }

    @Test
    void descendsAQuadratic() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(3);
            Tensor target = torch.randn(9, 5);
            Tensor w = torch.randn(9, 5).set_requires_grad(true);
            Lamb lamb = new Lamb(Map.of("w", w), BETA1, BETA2, 1e-6, 0.0, true, AdamW::decayedByDefault);
            double initial = 0, last = 0;
            for (int step = 0; step < 100; step++) {
                try (PointerScope stepScope = new PointerScope()) {
                    Tensor loss = w.sub(target).pow(Tensors.scalar(2)).sum();
                    if (step == 0) initial = loss.item_double();
                    last = loss.item_double();
                    loss.backward();
                    lamb.step(0.05);
                    lamb.zeroGrad();
                }
            }
            assertTrue(last < 0.1 * initial, "loss went from " + initial + " to " + last);
        }
    }

    /** LAMB spelled out element by element in float64, with its own moments. */
    private static final class ReferenceLamb {
        private final boolean biasCorrection;
        private final Map<String, double[]> m = new LinkedHashMap<>(), v = new LinkedHashMap<>();
        private int t;

        ReferenceLamb(boolean biasCorrection) {
            this.biasCorrection = biasCorrection;
        }

        void step(Map<String, double[]> params, Map<String, double[]> grads, double lr) {
            t++;
            double c1 = biasCorrection ? 1 - Math.pow(BETA1, t) : 1, c2 = biasCorrection ? 1 - Math.pow(BETA2, t) : 1;
            grads.forEach((name, g) -> {
                double[] p = params.get(name);
                double[] mi = m.computeIfAbsent(name, k -> new double[g.length]);
                double[] vi = v.computeIfAbsent(name, k -> new double[g.length]);
                boolean decayed = AdamW.decayedByDefault(name);
                double[] u = new double[g.length];
                double pNorm = 0, uNorm = 0;
                for (int i = 0; i < g.length; i++) {
                    mi[i] = BETA1 * mi[i] + (1 - BETA1) * g[i];
                    vi[i] = BETA2 * vi[i] + (1 - BETA2) * g[i] * g[i];
                    u[i] = (mi[i] / c1) / (Math.sqrt(vi[i] / c2) + EPS) + (decayed ? WEIGHT_DECAY * p[i] : 0);
                    pNorm += p[i] * p[i];
                    uNorm += u[i] * u[i];
                }
                pNorm = Math.sqrt(pNorm);
                uNorm = Math.sqrt(uNorm);
                double ratio = decayed && pNorm > 0 && uNorm > 0 ? pNorm / uNorm : 1;
                for (int i = 0; i < g.length; i++) p[i] -= lr * ratio * u[i];
            });
        }
    }

    /** Random gradients for every parameter except the unused one. */
    private static Map<String, double[]> gradients(Random random, double scale) {
        Map<String, double[]> grads = new LinkedHashMap<>();
        SHAPES.forEach((name, shape) -> {
            if (!name.equals(UNUSED)) grads.put(name, gaussians(random, size(shape), scale));
        });
        return grads;
    }

    private static void setGradients(Map<String, Tensor> params, Map<String, double[]> grads) {
        grads.forEach((name, g) -> {
            Tensor p = params.get(name);
            p.mutable_grad().put(Tensors.doubles(g, SHAPES.get(name)).to(p.scalar_type()));
        });
    }

    private static int size(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return (int) n;
    }

    private static double[] gaussians(Random random, int n, double scale) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) values[i] = scale * random.nextGaussian();
        return values;
    }

    private static float[] floats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) out[i] = (float) values[i];
        return out;
    }
}
