package org.nezha.core.train;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * What the project's optimizers share: each update moves every parameter that has a gradient on its own, at
 * the schedule's rate times its {@link RateFactors} factor (parameter groups); the update count; and per-parameter
 * state tensors kept by kind as named tensors ({@code KIND.NAME}, torch.optim's state keys: {@code exp_avg},
 * {@code sum}, …) so a checkpoint can save and restore them. A subclass declares its kinds and says how one
 * parameter moves.
 */
abstract sealed class ParameterwiseOptimizer implements Optimizer permits AdamFamily, Adagrad {
    private final Map<String, Tensor> params;
    private final RateFactors rates;
    /** Kind → parameter name → state tensor, in declaration order. */
    private final Map<String, Map<String, Tensor>> state = new LinkedHashMap<>();
    private long stepCount;

    ParameterwiseOptimizer(Map<String, Tensor> params, RateFactors rates) {
        this.params = params;
        this.rates = rates;
    }

    /**
     * A zero tensor per parameter, saved as {@code kind.NAME}; they live as long as the optimizer, beyond the
     * PointerScope of any one step.
     */
    final Map<String, Tensor> stateOfKind(String kind) {
        Map<String, Tensor> byName = new LinkedHashMap<>();
        try (NoGradGuard guard = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                Tensor t = torch.zeros_like(e.getValue());
                t.retainReference();
                byName.put(e.getKey(), t);
            }
        }
        state.put(kind, byName);
        return byName;
    }

    /** Moves parameter {@code p} (named {@code name}) given its gradient, at its own rate; runs under a NoGradGuard. */
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

    /** The state tensors as {@code KIND.NAME}, kind by kind. */
    @Override
    public final Map<String, Tensor> state() {
        Map<String, Tensor> named = new LinkedHashMap<>();
        state.forEach((kind, byName) -> byName.forEach((name, t) -> named.put(kind + "." + name, t)));
        return named;
    }

    @Override
    public final void loadState(Map<String, Tensor> saved, long steps) {
        try (NoGradGuard guard = new NoGradGuard()) {
            for (String name : params.keySet()) {
                for (Map.Entry<String, Map<String, Tensor>> kind : state.entrySet()) {
                    Tensor t = saved.get(kind.getKey() + "." + name);
                    if (t == null) throw new IllegalArgumentException("optimizer state lacks " + name);
                    kind.getValue().get(name).copy_(t);
                }
            }
        }
        stepCount = steps;
    }

    @Override
    public final void release() {
        state.values().forEach(byName -> byName.values().forEach(Tensor::releaseReference));
        state.clear();
    }
}
