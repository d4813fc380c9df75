package org.nezha.core.train;

import java.util.Map;
import java.util.function.Predicate;

import org.bytedeco.pytorch.Tensor;

import org.nezha.core.tensor.Tensors;

/**
 * Adam with L2 weight decay, as torch.optim.Adam's {@code weight_decay}: {@code g ← g + wd·p} (for the
 * decayed parameters) before the moments, then {@code p -= lr·m̂/(√v̂ + ε)}. Unlike {@link AdamW} the decay
 * passes through the moments, so it is scaled down where gradients are large.
 */
public final class Adam extends AdamFamily {
    private final double eps, weightDecay;
    private final Predicate<String> decayed;

    public Adam(Map<String, Tensor> params, RateFactors rates, double beta1, double beta2, double eps, double weightDecay,
            Predicate<String> decayed) {
        super(params, rates, beta1, beta2);
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decayed = decayed;
    }

    @Override
    public String name() {
        return "Adam";
    }

    @Override
    void update(String name, Tensor p, Tensor g, double lr) {
        Tensor gradient = weightDecay > 0 && decayed.test(name) ? g.add(p, Tensors.scalar(weightDecay)) : g;
        accumulate(name, gradient);
        p.addcdiv_(firstMoment(name), denominator(name, secondCorrection(), eps), Tensors.scalar(-lr / firstCorrection()));
    }
}
