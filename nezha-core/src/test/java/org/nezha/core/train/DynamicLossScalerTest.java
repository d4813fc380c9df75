package org.nezha.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.nezha.core.tensor.Tensors;

/** GradScaler's semantics: unscaling, overflow detection and skipping, backoff, growth, checkpoint state. */
class DynamicLossScalerTest {

    @ParameterizedTest(name = "bad gradient element {0}")
    @ValueSource(doubles = {Double.POSITIVE_INFINITY, Double.NaN})
    void overflowSkipsTheStepAndHalvesTheScale(double bad) {
        try (PointerScope scope = new PointerScope()) {
            Tensor clean = Tensors.floats(new float[] {1, 2, 3}, 3).set_requires_grad(true);
            Tensor overflowed = Tensors.floats(new float[] {4, 5, 6, 7}, 2, 2).set_requires_grad(true);
            clean.mutable_grad().put(Tensors.floats(new float[] {64, -128, 256}, 3));
            overflowed.mutable_grad().put(Tensors.floats(new float[] {512, (float) bad, 8, 16}, 2, 2));
            Map<String, Tensor> params = Map.of("clean.weight", clean, "overflowed.weight", overflowed);
            Optimizer optimizer = new Lamb(params, 0.9, 0.999, 1e-6, 0.01, true, AdamW::decayedByDefault);
            DynamicLossScaler scaler = new DynamicLossScaler(1024, 2, 0.5, 3);

            // the trainer's step
            boolean foundInf = !scaler.unscaleAndCheck(List.of(clean.grad(), overflowed.grad()));
            if (!foundInf) optimizer.step(0.1);
            scaler.update(foundInf);

            assertTrue(foundInf);
            assertEquals(512, scaler.scale());
            assertEquals(1, scaler.skippedSteps());
            assertEquals(0, optimizer.stepCount());
            assertArrayEquals(new float[] {1, 2, 3}, Tensors.toFloats(clean));
            assertArrayEquals(new float[] {4, 5, 6, 7}, Tensors.toFloats(overflowed));
        }
    }

    @Test
    void finiteGradientsAreDividedExactlyByTheScale() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(1);
            Tensor matrix = torch.randn(7, 5).mul_(Tensors.scalar(1e4)), vector = torch.randn(3).to(ScalarType.Double);
            double[] matrixBefore = Tensors.toDoubles(matrix), vectorBefore = Tensors.toDoubles(vector);
            DynamicLossScaler scaler = DynamicLossScaler.withDefaults();

            assertTrue(scaler.unscaleAndCheck(List.of(matrix, vector)));

            double[] matrixAfter = Tensors.toDoubles(matrix), vectorAfter = Tensors.toDoubles(vector);
            for (int i = 0; i < matrixBefore.length; i++) assertEquals(matrixBefore[i] / 65536, matrixAfter[i], 0.0);
            for (int i = 0; i < vectorBefore.length; i++) assertEquals(vectorBefore[i] / 65536, vectorAfter[i], 0.0);
            scaler.update(false);
            assertEquals(65536, scaler.scale());
            assertEquals(0, scaler.skippedSteps());
        }
    }

    @Test
    void scaleGrowsAfterTheIntervalOfCleanStepsInARow() {
        DynamicLossScaler scaler = new DynamicLossScaler(1024, 2, 0.5, 3);
        scaler.update(false);
        scaler.update(false);
        assertEquals(1024, scaler.scale());
        scaler.update(false);
        assertEquals(2048, scaler.scale());
        // an overflow restarts the count of clean steps
        scaler.update(false);
        scaler.update(true);
        assertEquals(1024, scaler.scale());
        scaler.update(false);
        scaler.update(false);
        assertEquals(1024, scaler.scale());
        scaler.update(false);
        assertEquals(2048, scaler.scale());
        assertEquals(1, scaler.skippedSteps());
    }

    @Test
    void defaultsAreGradScalers() {
        DynamicLossScaler scaler = DynamicLossScaler.withDefaults();
        assertEquals(65536, scaler.scale());
        for (int i = 0; i < 1999; i++) scaler.update(false);
        assertEquals(65536, scaler.scale());
        scaler.update(false);
        assertEquals(131072, scaler.scale());
        scaler.update(true);
        assertEquals(65536, scaler.scale());
    }

    @Test
    void stateRoundTripContinuesIdentically() {
        DynamicLossScaler original = new DynamicLossScaler(1024, 2, 0.5, 3);
        original.update(true);
        original.update(false);
        original.update(false);
        DynamicLossScaler restored = new DynamicLossScaler(1024, 2, 0.5, 3);
        restored.load(original.state());
        assertEquals(original.state(), restored.state());
        assertEquals(512, restored.scale());
        assertEquals(1, restored.skippedSteps());
        // one more clean step completes the interval in both
        original.update(false);
        restored.update(false);
        assertEquals(1024, restored.scale());
        assertEquals(original.state(), restored.state());
    }

    @Test
    void detectsARealHalfPrecisionOverflow() {
        try (PointerScope scope = new PointerScope()) {
            Tensor w = torch.ones(4).to(ScalarType.Half).set_requires_grad(true);
            DynamicLossScaler scaler = DynamicLossScaler.withDefaults();
            try {
                // d(scale · Σ 1000·w)/dw = 1000 · 65536 > 65504, the largest half
                w.mul(Tensors.scalar(1000)).sum().mul(Tensors.scalar(scaler.scale())).backward();
            } catch (RuntimeException unsupported) {
                Assumptions.abort("libtorch has no half-precision CPU kernel for this: " + unsupported.getMessage());
            }
            assertTrue(w.grad().isinf().all().item_bool(), "the half gradient should have overflowed");
            assertFalse(scaler.unscaleAndCheck(List.of(w.grad())));
            scaler.update(true);
            assertEquals(32768, scaler.scale());
        }
    }
}
