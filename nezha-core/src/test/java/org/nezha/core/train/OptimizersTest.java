package org.nezha.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import org.nezha.core.InputException;
import org.nezha.core.tensor.Tensors;

/** Adam (L2) and Adagrad against their torch.optim formulas in float64, rate factors, and Adagrad's checkpoint state. */
class OptimizersTest {
    private static final double[][] GRADS = {{0.5, -1.0, 2.0}, {0.1, 0.3, -0.2}, {-0.4, 0.0, 1.0}};
    private static final double[] START = {1.0, -2.0, 0.5}, RATES = {0.1, 0.05, 0.02};
    private static final double WD = 0.01, EPS = 1e-8, FACTOR = 0.5;

    @Test
    void adamAddsL2DecayToTheGradient() {
        double[] p = START.clone(), m = new double[3], v = new double[3];
        for (int t = 1; t <= GRADS.length; t++) {
            for (int i = 0; i < 3; i++) {
                double g = GRADS[t - 1][i] + WD * p[i];
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                double mHat = m[i] / (1 - Math.pow(0.9, t)), vHat = v[i] / (1 - Math.pow(0.999, t));
                p[i] -= FACTOR * RATES[t - 1] * mHat / (Math.sqrt(vHat) + EPS);
            }
        }
        assertArrayEquals(p, run("adam", EPS), 1e-9);
    }

    @Test
    void adagradIsTorchsWithItsDefaults() {
        double eps = Optimizers.defaultEpsilon("adagrad");
        assertEquals(1e-10, eps);
        double[] p = START.clone(), sum = new double[3];
        for (int t = 0; t < GRADS.length; t++) {
            for (int i = 0; i < 3; i++) {
                double g = GRADS[t][i] + WD * p[i];
                sum[i] += g * g;
                p[i] -= FACTOR * RATES[t] * g / (Math.sqrt(sum[i]) + eps);
            }
        }
        assertArrayEquals(p, run("adagrad", eps), 1e-9);
    }

    @Test
    void adagradStateRoundTripContinuesIdentically() {
        try (PointerScope scope = new PointerScope()) {
            Tensor first = weight(), second = weight();
            Optimizer original = Optimizers.create("adagrad", Map.of("w", first), 0.0, 1e-10);
            step(original, first, 0);
            Map<String, Tensor> saved = new LinkedHashMap<>();
            original.state().forEach((k, t) -> saved.put(k, t.clone()));
            assertEquals(java.util.Set.of("sum.w"), saved.keySet());
            second.detach().copy_(first.detach());
            Optimizer restored = Optimizers.create("adagrad", Map.of("w", second), 0.0, 1e-10);
            restored.loadState(saved, original.stepCount());
            step(original, first, 1);
            step(restored, second, 1);
            assertArrayEquals(Tensors.toDoubles(first), Tensors.toDoubles(second));
            assertEquals(2, restored.stepCount());
        }
    }

    @Test
    void unknownNamesListTheChoices() {
        InputException e = assertThrows(InputException.class, () -> Optimizers.requireKnown("sgd"));
        assertEquals("--optimizer sgd: choose one of adamw, adam, adagrad, lamb", e.getMessage());
    }

    /** One parameter "w" (decayed) at rate factor 0.5, three steps. */
    private static double[] run(String name, double eps) {
        try (PointerScope scope = new PointerScope()) {
            Tensor w = weight();
            Optimizer optimizer = Optimizers.create(name, Map.of("w", w), new RateFactors(Map.of("w", FACTOR)), WD, eps);
            for (int t = 0; t < GRADS.length; t++) step(optimizer, w, t);
            assertTrue(optimizer.state().keySet().stream().allMatch(k -> k.endsWith(".w")));
            return Tensors.toDoubles(w);
        }
    }

    private static Tensor weight() {
        return Tensors.doubles(START, 3).set_requires_grad(true);
    }

    private static void step(Optimizer optimizer, Tensor w, int t) {
        w.mutable_grad().put(Tensors.doubles(GRADS[t], 3));
        optimizer.step(RATES[t]);
        optimizer.zeroGrad();
    }
}
