package org.nezha.core.train;

import java.util.Map;
import java.util.function.Predicate;

import org.bytedeco.pytorch.Tensor;

import org.nezha.core.tensor.Tensors;

/**
 * AdamW with decoupled weight decay (Loshchilov &amp; Hutter), as torch.optim.AdamW: bias-corrected
 * moments, {@code p -= lr·wd·p} for the decayed parameters, {@code p -= lr·m̂/(√v̂ + ε)}.
 * Its moments are plain named tensors so a checkpoint can save and restore them.
 */
public final class AdamW extends AdamFamily {
    private final double eps, weightDecay;
    private final Predicate<String> decayed;

    public AdamW(Map<String, Tensor> params, double beta1, double beta2, double eps, double weightDecay,
            Predicate<String> decayed) {
        this(params, RateFactors.NONE, beta1, beta2, eps, weightDecay, decayed);
    }

    /** {@code rates}: each parameter's factor on the scheduled rate (layer-wise decay, a head's own rate). */
    public AdamW(Map<String, Tensor> params, RateFactors rates, double beta1, double beta2, double eps, double weightDecay,
            Predicate<String> decayed) {
        super(params, rates, beta1, beta2);
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decayed = decayed;
    }

    /** BERT's rule: no weight decay on biases and LayerNorm parameters (LAMB's layer-adaptation rule too). */
    public static boolean decayedByDefault(String name) {
        return !(name.endsWith("bias") || name.contains("LayerNorm") || name.contains("layer_norm"));
    }

    @Override
    public String name() {
        return "AdamW";
    }

    @Override
    void update(String name, Tensor p, Tensor g, double lr) {
        if (weightDecay > 0 && decayed.test(name)) p.mul_(Tensors.scalar(1 - lr * weightDecay));
        accumulate(name, g);
        p.addcdiv_(firstMoment(name), denominator(name, secondCorrection(), eps), Tensors.scalar(-lr / firstCorrection()));
    }
}
