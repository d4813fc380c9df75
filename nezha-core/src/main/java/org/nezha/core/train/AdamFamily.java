package org.nezha.core.train;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import org.nezha.core.tensor.Tensors;

/**
 * What {@link AdamW} and {@link Lamb} share: Adam's running moments of every parameter, the update
 * count their bias corrections refer to, and the checkpoint state. The moments are plain named tensors
 * ({@code exp_avg.NAME}, {@code exp_avg_sq.NAME}, as torch.optim) so a checkpoint can save and restore
 * them. A subclass says how one parameter moves given its gradient; each parameter's rate is the
 * schedule's times its {@link RateFactors} factor (parameter groups).
 */
abstract sealed class AdamFamily implements Optimizer permits AdamW, Adam, Lamb {
    private final Map<String, Tensor> params;
    private final RateFactors rates;
    private final Map<String, Tensor> expAvg = new LinkedHashMap<>();
    private final Map<String, Tensor> expAvgSq = new LinkedHashMap<>();
    private final double beta1, beta2;
    private long stepCount;

    AdamFamily(Map<String, Tensor> params, RateFactors rates, double beta1, double beta2) {
        this.params = params;
        this.rates = rates;
        this.beta1 = beta1;
        this.beta2 = beta2;
        try (NoGradGuard guard = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                expAvg.put(e.getKey(), retained(torch.zeros_like(e.getValue())));
                expAvgSq.put(e.getKey(), retained(torch.zeros_like(e.getValue())));
            }
        }
    }

    // The moments live as long as the optimizer, beyond the PointerScope of any one step.
    private static Tensor retained(Tensor t) {
        t.retainReference();
        return t;
    }

    /** Moves parameter {@code p} (named {@code name}) given its gradient; runs under a NoGradGuard. */
    abstract void update(String name, Tensor p, Tensor g, double lr);

    @Override
    public final void step(double lr) {
        stepCount++;
        try (NoGradGuard guard = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                Tensor g = e.getValue().grad();
                if (g.defined()) update(e.getKey(), e.getValue(), g, lr * rates.of(e.getKey()));
            }
        }
    }

    /** {@code 1 − β1^t} for the current update t: divides the first moment into its unbiased estimate m̂. */
    final double firstCorrection() {
        return 1 - Math.pow(beta1, stepCount);
    }

    /** {@code 1 − β2^t} for the current update t: divides the second moment into its unbiased estimate v̂. */
    final double secondCorrection() {
        return 1 - Math.pow(beta2, stepCount);
    }

    /** Folds a gradient in: {@code m ← β1·m + (1 − β1)·g}, {@code v ← β2·v + (1 − β2)·g²}. */
    final void accumulate(String name, Tensor g) {
        expAvg.get(name).lerp_(g, Tensors.scalar(1 - beta1));
        expAvgSq.get(name).mul_(Tensors.scalar(beta2)).addcmul_(g, g, Tensors.scalar(1 - beta2));
    }

    /** The first moment m (not bias-corrected). */
    final Tensor firstMoment(String name) {
        return expAvg.get(name);
    }

    /** A new tensor {@code √(v / secondCorrection) + ε}: the denominator of Adam's direction. */
    final Tensor denominator(String name, double secondCorrection, double eps) {
        return expAvgSq.get(name).sqrt().div_(Tensors.scalar(Math.sqrt(secondCorrection))).add_(Tensors.scalar(eps));
    }

    @Override
    public final void zeroGrad() {
        for (Tensor p : params.values()) {
            Tensor g = p.grad();
            if (g.defined()) g.zero_();
        }
    }

    @Override
    public final long stepCount() {
        return stepCount;
    }

    /** The moments as {@code exp_avg.NAME} / {@code exp_avg_sq.NAME} tensors. */
    @Override
    public final Map<String, Tensor> state() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        expAvg.forEach((k, t) -> state.put("exp_avg." + k, t));
        expAvgSq.forEach((k, t) -> state.put("exp_avg_sq." + k, t));
        return state;
    }

    @Override
    public final void loadState(Map<String, Tensor> state, long steps) {
        try (NoGradGuard guard = new NoGradGuard()) {
            for (String name : params.keySet()) {
                Tensor m = state.get("exp_avg." + name), v = state.get("exp_avg_sq." + name);
                if (m == null || v == null) throw new IllegalArgumentException("optimizer state lacks " + name);
                expAvg.get(name).copy_(m);
                expAvgSq.get(name).copy_(v);
            }
        }
        stepCount = steps;
    }

    @Override
    public final void release() {
        expAvg.values().forEach(Tensor::releaseReference);
        expAvgSq.values().forEach(Tensor::releaseReference);
        expAvg.clear();
        expAvgSq.clear();
    }
}
