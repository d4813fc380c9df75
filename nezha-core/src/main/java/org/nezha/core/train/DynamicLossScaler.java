package org.nezha.core.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.GenericList;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorType;
import org.bytedeco.pytorch.Type;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.tensor.Tensors;

/**
 * Dynamic loss scaling for fp16 training with torch.cuda.amp.GradScaler's semantics: the loss is
 * multiplied by {@link #scale()} before backward so small gradients survive fp16; the gradients are
 * divided back ({@link #unscaleAndCheck}) before clipping; a step whose gradients hold inf or NaN is
 * skipped and halves the scale; {@code growthInterval} clean steps in a row double it.
 * <p>
 * The trainer's step: backward of {@code loss · scale()}; {@code foundInf = !unscaleAndCheck(grads)};
 * if not found, clip and {@code optimizer.step}; then {@code update(foundInf)}.
 */
public final class DynamicLossScaler {
    private final double growthFactor, backoffFactor;
    private final int growthInterval;
    private double scale;
    private long growthTracker, skippedSteps;

    public DynamicLossScaler(double initialScale, double growthFactor, double backoffFactor, int growthInterval) {
        if (!(initialScale > 0 && initialScale <= Float.MAX_VALUE)) {
            throw new IllegalArgumentException("loss scale must be positive and finite, got " + initialScale);
        }
        if (!(growthFactor > 1)) throw new IllegalArgumentException("growth factor must be > 1, got " + growthFactor);
        if (!(backoffFactor > 0 && backoffFactor < 1)) {
            throw new IllegalArgumentException("backoff factor must be in (0, 1), got " + backoffFactor);
        }
        if (growthInterval < 1) throw new IllegalArgumentException("growth interval must be at least 1, got " + growthInterval);
        this.scale = initialScale;
        this.growthFactor = growthFactor;
        this.backoffFactor = backoffFactor;
        this.growthInterval = growthInterval;
    }

    /** GradScaler's defaults: scale 2^16, growth ×2, backoff ×0.5, growth after 2000 clean steps. */
    public static DynamicLossScaler withDefaults() {
        return new DynamicLossScaler(65536.0, 2.0, 0.5, 2000);
    }

    /** The factor the loss is multiplied by before backward. */
    public double scale() {
        return scale;
    }

    /** Steps skipped so far because their gradients overflowed. */
    public long skippedSteps() {
        return skippedSteps;
    }

    /**
     * Divides the (defined, same-device) gradients by {@link #scale()} in place and returns whether all
     * are finite. One host sync: libtorch's fused {@code _amp_foreach_non_finite_check_and_unscale_}
     * (GradScaler's own op) writes a single found-inf flag on the device, read once here.
     */
    public boolean unscaleAndCheck(List<Tensor> grads) {
        if (grads.isEmpty()) return true;
        try (NoGradGuard guard = new NoGradGuard()) {
            TensorOptions fp32 = Tensors.options(ScalarType.Float, grads.get(0).device());
            Tensor foundInf = torch.zeros(new long[] {1}, fp32);
            // GradScaler's reciprocal: computed in double, applied as fp32 (exact for power-of-two scales).
            Tensor invScale = torch.full(new long[] {1}, Tensors.scalar(1.0 / scale), fp32);
            // The op has no generated Java binding; the dispatcher calls it with a Tensor[] argument.
            GenericList tensorList = new GenericList(new Type.TypePtr(TensorType.get()));
            for (Tensor g : grads) tensorList.push_back(new IValue(g));
            Dispatcher.singleton().findSchemaOrThrow("aten::_amp_foreach_non_finite_check_and_unscale_", "")
                    .callBoxed(new IValueVector(new IValue(tensorList), new IValue(foundInf), new IValue(invScale)));
            return foundInf.item_double() == 0;
        }
    }

    /**
     * After each step: on overflow halve the scale (backoff) and restart the clean-step count, counting
     * the step as skipped; otherwise grow the scale after {@code growthInterval} clean steps in a row
     * (unless that would overflow fp32, the type GradScaler keeps the scale in).
     */
    public void update(boolean foundInf) {
        if (foundInf) {
            scale *= backoffFactor;
            growthTracker = 0;
            skippedSteps++;
            return;
        }
        if (++growthTracker < growthInterval) return;
        double grown = scale * growthFactor;
        if (grown <= Float.MAX_VALUE) scale = grown;
        growthTracker = 0;
    }

    /**
     * {@code scale}, {@code growth_tracker} (clean steps in a row since the scale last changed) and
     * {@code skipped_steps}, for a checkpoint.
     */
    public Map<String, Double> state() {
        Map<String, Double> state = new LinkedHashMap<>();
        state.put("scale", scale);
        state.put("growth_tracker", (double) growthTracker);
        state.put("skipped_steps", (double) skippedSteps);
        return state;
    }

    /** Restores what {@link #state()} saved. */
    public void load(Map<String, Double> state) {
        Double savedScale = state.get("scale"), tracker = state.get("growth_tracker"), skipped = state.get("skipped_steps");
        if (savedScale == null || tracker == null || skipped == null) {
            throw new IllegalArgumentException("loss scaler state lacks scale, growth_tracker or skipped_steps: " + state.keySet());
        }
        scale = savedScale;
        growthTracker = tracker.longValue();
        skippedSteps = skipped.longValue();
    }
}
