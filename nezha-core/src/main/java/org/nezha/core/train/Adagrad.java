package org.nezha.core.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import org.nezha.core.tensor.Tensors;

/**
 * Adagrad as torch.optim.Adagrad with its defaults (lr_decay 0, initial_accumulator_value 0): per
 * parameter {@code g ← g + wd·p} (L2 decay, for the decayed parameters), {@code s ← s + g²},
 * {@code p -= lr·g/(√s + ε)}. The sums are named tensors ({@code sum.NAME}, torch's state key) so a
 * checkpoint can save and restore them.
 */
public final class Adagrad implements Optimizer {
    private final Map<String, Tensor> params;
    private final RateFactors rates;
    private final Map<String, Tensor> sums = new LinkedHashMap<>();
    private final double eps, weightDecay;
    private final Predicate<String> decayed;
    private long stepCount;

    public Adagrad(Map<String, Tensor> params, RateFactors rates, double eps, double weightDecay, Predicate<String> decayed) {
        this.params = params;
        this.rates = rates;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decayed = decayed;
        try (NoGradGuard guard = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                Tensor sum = torch.zeros_like(e.getValue());
                sum.retainReference(); // lives as long as the optimizer, beyond any step's PointerScope
                sums.put(e.getKey(), sum);
            }
        }
    }

    @Override
    public String name() {
        return "Adagrad";
    }

    @Override
    public void step(double lr) {
        stepCount++;
        try (NoGradGuard guard = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                String name = e.getKey();
                Tensor p = e.getValue(), g = p.grad();
                if (!g.defined()) continue;
                Tensor gradient = weightDecay > 0 && decayed.test(name) ? g.add(p, Tensors.scalar(weightDecay)) : g;
                Tensor sum = sums.get(name).addcmul_(gradient, gradient, Tensors.scalar(1));
                p.addcdiv_(gradient, sum.sqrt().add_(Tensors.scalar(eps)), Tensors.scalar(-lr * rates.of(name)));
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

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        sums.forEach((k, t) -> state.put("sum." + k, t));
        return state;
    }

    @Override
    public void loadState(Map<String, Tensor> state, long steps) {
        try (NoGradGuard guard = new NoGradGuard()) {
            for (String name : params.keySet()) {
                Tensor sum = state.get("sum." + name);
                if (sum == null) throw new IllegalArgumentException("optimizer state lacks " + name);
                sums.get(name).copy_(sum);
            }
        }
        stepCount = steps;
    }

    @Override
    public void release() {
        sums.values().forEach(Tensor::releaseReference);
        sums.clear();
    }
}
