package org.nezha.core.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import org.nezha.core.tensor.Tensors;

/**
 * AdamW with decoupled weight decay (Loshchilov &amp; Hutter), as torch.optim.AdamW: bias-corrected
 * moments, {@code p -= lr·wd·p} for the decayed parameters, {@code p -= lr·m̂/(√v̂ + ε)}.
 * Its moments are plain named tensors so a checkpoint can save and restore them.
 */
public final class AdamW implements Optimizer {
    private final Map<String, Tensor> params;
    private final Map<String, Tensor> expAvg = new LinkedHashMap<>();
    private final Map<String, Tensor> expAvgSq = new LinkedHashMap<>();
    private final double beta1, beta2, eps, weightDecay;
    private final Predicate<String> decayed;
    private long stepCount;

    public AdamW(Map<String, Tensor> params, double beta1, double beta2, double eps, double weightDecay,
            Predicate<String> decayed) {
        this.params = params;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decayed = decayed;
        try (NoGradGuard guard = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                expAvg.put(e.getKey(), retained(torch.zeros_like(e.getValue())));
                expAvgSq.put(e.getKey(), retained(torch.zeros_like(e.getValue())));
            }
        }
    }

    /** BERT's rule: no weight decay on biases and LayerNorm parameters. */
    public static boolean decayedByDefault(String name) {
        return !(name.endsWith("bias") || name.contains("LayerNorm") || name.contains("layer_norm"));
    }

    private static Tensor retained(Tensor t) {
        t.retainReference();
        return t;
    }

    @Override
    public String name() {
        return "AdamW";
    }

    @Override
    public void step(double lr) {
        stepCount++;
        double correction1 = 1 - Math.pow(beta1, stepCount);
        double correction2 = 1 - Math.pow(beta2, stepCount);
        try (NoGradGuard guard = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                Tensor p = e.getValue();
                Tensor g = p.grad();
                if (!g.defined()) continue;
                Tensor m = expAvg.get(e.getKey());
                Tensor v = expAvgSq.get(e.getKey());
                if (weightDecay > 0 && decayed.test(e.getKey())) p.mul_(Tensors.scalar(1 - lr * weightDecay));
                m.lerp_(g, Tensors.scalar(1 - beta1));
                v.mul_(Tensors.scalar(beta2)).addcmul_(g, g, Tensors.scalar(1 - beta2));
                Tensor denom = v.sqrt().div_(Tensors.scalar(Math.sqrt(correction2))).add_(Tensors.scalar(eps));
                p.addcdiv_(m, denom, Tensors.scalar(-lr / correction1));
            }
        }
    }

    @Override
    public void zeroGrad() {
        for (Tensor p : params.values()) {
            Tensor g = p.grad();
            if (g.defined()) g.zero_();
        }
    }

    @Override
    public long stepCount() {
        return stepCount;
    }

    /** The moments as {@code exp_avg.NAME} / {@code exp_avg_sq.NAME} tensors. */
    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        expAvg.forEach((k, t) -> state.put("exp_avg." + k, t));
        expAvgSq.forEach((k, t) -> state.put("exp_avg_sq." + k, t));
        return state;
    }

    @Override
    public void loadState(Map<String, Tensor> state, long steps) {
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
}
