package org.nezha.core.train;

import java.util.Map;

import org.bytedeco.pytorch.Tensor;

import org.nezha.core.tensor.Tensors;

/**
 * What {@link AdamW}, {@link Adam} and {@link Lamb} share: Adam's running moments of every parameter
 * ({@code exp_avg.NAME}, {@code exp_avg_sq.NAME}, as torch.optim) and the bias corrections of the update
 * count. A subclass says how one parameter moves given its gradient.
 */
abstract sealed class AdamFamily extends ParameterwiseOptimizer permits AdamW, Adam, Lamb {
    private final Map<String, Tensor> expAvg;
    private final Map<String, Tensor> expAvgSq;
    private final double beta1, beta2;

    AdamFamily(Map<String, Tensor> params, RateFactors rates, double beta1, double beta2) {
        super(params, rates);
        this.beta1 = beta1;
        this.beta2 = beta2;
        expAvg = stateOfKind("exp_avg");
        expAvgSq = stateOfKind("exp_avg_sq");
    }

    /** {@code 1 − β1^t} for the current update t: divides the first moment into its unbiased estimate m̂. */
    final double firstCorrection() {
        return 1 - Math.pow(beta1, stepCount());
    }

    /** {@code 1 − β2^t} for the current update t: divides the second moment into its unbiased estimate v̂. */
    final double secondCorrection() {
        return 1 - Math.pow(beta2, stepCount());
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
}
