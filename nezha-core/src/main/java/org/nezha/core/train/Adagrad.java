package org.nezha.core.train;

import java.util.Map;
import java.util.function.Predicate;

import org.bytedeco.pytorch.Tensor;

import org.nezha.core.tensor.Tensors;

/**
 * Adagrad as torch.optim.Adagrad with its defaults (lr_decay 0, initial_accumulator_value 0): per
 * parameter {@code g ← g + wd·p} (L2 decay, for the decayed parameters), {@code s ← s + g²},
 * {@code p -= lr·g/(√s + ε)}. The sums are saved as {@code sum.NAME}, torch's state key.
 */
public final class Adagrad extends ParameterwiseOptimizer {
    private final Map<String, Tensor> sums;
    private final double eps, weightDecay;
    private final Predicate<String> decayed;

    public Adagrad(Map<String, Tensor> params, RateFactors rates, double eps, double weightDecay, Predicate<String> decayed) {
        super(params, rates);
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decayed = decayed;
        sums = stateOfKind("sum");
    }

    @Override
    public String name() {
        return "Adagrad";
    }

    @Override
    void update(String name, Tensor p, Tensor g, double lr) {
        Tensor gradient = weightDecay > 0 && decayed.test(name) ? g.add(p, Tensors.scalar(weightDecay)) : g;
        Tensor sum = sums.get(name).addcmul_(gradient, gradient, Tensors.scalar(1));
        p.addcdiv_(gradient, sum.sqrt().add_(Tensors.scalar(eps)), Tensors.scalar(-lr));
    }
}
