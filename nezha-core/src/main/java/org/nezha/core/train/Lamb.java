package org.nezha.core.train;

import java.util.Map;
import java.util.function.Predicate;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import org.nezha.core.tensor.Tensors;

/**
 * LAMB (You et al. 2019, arXiv:1904.00962) as NVIDIA's BERT recipe (apex FusedLAMB) and Google's
 * {@code LAMBOptimizer} run it. Per parameter:
 * <pre>
 *   m, v     Adam's moments (bias-corrected to m̂, v̂ when biasCorrection, NVIDIA's default; Google's has none)
 *   u        = m̂ / (√v̂ + ε) + wd·p           (wd·p only for decayed parameters)
 *   r        = ‖p‖ / ‖u‖ if both norms are &gt; 0, else 1
 *   p       -= lr · r · u
 * </pre>
 * Parameters excluded from weight decay (biases, LayerNorm by {@link AdamW#decayedByDefault}) are also
 * excluded from layer adaptation (r = 1), as Google's {@code exclude_from_layer_adaptation} defaults to
 * the weight-decay exclusions and as apex does for its zero-decay parameter group. Unlike apex, the
 * adaptation of decayed parameters does not depend on whether wd is 0 (Google's rule).
 * <p>
 * FusedLAMB first scales the gradients so their global norm is at most {@code max_grad_norm} (1.0);
 * {@link Trainer} already clips the global norm before {@link #step}, so this class does not clip again.
 * <p>
 * The trust ratio stays a device tensor (chosen with {@code torch.where}), so a step never waits for
 * the GPU per parameter.
 */
public final class Lamb extends AdamFamily {
    private final double eps, weightDecay;
    private final boolean biasCorrection;
    private final Predicate<String> decayed;

    /**
     * @param decayed which parameters get weight decay and layer adaptation, e.g. {@link AdamW#decayedByDefault}
     */
    public Lamb(Map<String, Tensor> params, double beta1, double beta2, double eps, double weightDecay,
            boolean biasCorrection, Predicate<String> decayed) {
        this(params, RateFactors.NONE, beta1, beta2, eps, weightDecay, biasCorrection, decayed);
    }

    /** {@code rates}: each parameter's factor on the scheduled rate (layer-wise decay, a head's own rate). */
    public Lamb(Map<String, Tensor> params, RateFactors rates, double beta1, double beta2, double eps, double weightDecay,
            boolean biasCorrection, Predicate<String> decayed) {
        super(params, rates, beta1, beta2);
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.biasCorrection = biasCorrection;
        this.decayed = decayed;
    }

    @Override
    public String name() {
        return "LAMB";
    }

    @Override
    void update(String name, Tensor p, Tensor g, double lr) {
        accumulate(name, g);
        double correction1 = biasCorrection ? firstCorrection() : 1;
        double correction2 = biasCorrection ? secondCorrection() : 1;
        Tensor u = firstMoment(name).div(denominator(name, correction2, eps)).div_(Tensors.scalar(correction1));
        // excluded from weight decay, so from layer adaptation too: r = 1
        if (!decayed.test(name)) {
            p.sub_(u, Tensors.scalar(lr));
            return;
        }
        if (weightDecay > 0) u.add_(p, Tensors.scalar(weightDecay));
        // r as a device tensor: no host sync per parameter
        Tensor pNorm = p.norm(), uNorm = u.norm();
        Tensor trustRatio = torch.where(pNorm.gt(Tensors.scalar(0)).logical_and(uNorm.gt(Tensors.scalar(0))),
                pNorm.div(uNorm), Tensors.scalar(1));
        p.sub_(u.mul_(trustRatio), Tensors.scalar(lr));
    }
}
