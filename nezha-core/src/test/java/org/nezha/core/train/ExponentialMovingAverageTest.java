package org.nezha.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import org.nezha.core.tensor.Tensors;

/** The shadow follows the closed form, evaluation sees it and the raw weights come back bit for bit. */
class ExponentialMovingAverageTest {

    /** θ_t = θ_0 + t·c: shadow_T = d^T·θ_0 + (1 − d)·Σ_{t=1..T} d^(T−t)·θ_t. */
    @Test
    void shadowEqualsTheClosedFormUnderConstantUpdates() {
        try (PointerScope scope = new PointerScope()) {
            double d = 0.9, theta0 = 0.5, c = 0.25;
            Tensor theta = Tensors.floats(new float[] {(float) theta0, (float) theta0}, 2);
            ExponentialMovingAverage ema = new ExponentialMovingAverage(d, Map.of("w", theta));
            int steps = 5;
            for (int t = 1; t <= steps; t++) {
                try (NoGradGuard guard = new NoGradGuard()) {
                    theta.add_(Tensors.scalar(c));
                }
                ema.update();
            }
            double expected = Math.pow(d, steps) * theta0;
            for (int t = 1; t <= steps; t++) expected += (1 - d) * Math.pow(d, steps - t) * (theta0 + t * c);
            for (float v : Tensors.toFloats(ema.state().get("w"))) assertEquals(expected, v, 1e-6);
        }
    }

    @Test
    void evaluationSeesTheShadowAndTheRawWeightsComeBackExactly() {
        try (PointerScope scope = new PointerScope()) {
            Tensor theta = torch.randn(3, 4);
            ExponentialMovingAverage ema = new ExponentialMovingAverage(0.99, Map.of("w", theta));
            try (NoGradGuard guard = new NoGradGuard()) {
                theta.mul_(Tensors.scalar(3.0));
            }
            ema.update();
            Tensor raw = theta.clone();
            Tensor shadow = ema.state().get("w").clone();
            ema.withAverageWeights(() -> assertTrue(torch.equal(shadow, theta), "evaluated with the shadow"));
            assertTrue(torch.equal(raw, theta), "raw weights restored");

            ExponentialMovingAverage resumed = new ExponentialMovingAverage(0.99, Map.of("w", theta));
            resumed.loadState(Map.of("w", shadow));
            assertTrue(torch.equal(shadow, resumed.state().get("w")));
        }
    }
}
