package org.nezha.core.train;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.tensor.Tensors;

/**
 * A float32 shadow of the trainable weights, shadow = d·shadow + (1 − d)·θ after every update, starting
 * from the weights it is made with. Evaluation swaps the shadow in and the raw weights back afterwards
 * (exactly: they are copied aside, not recomputed), so the raw weights keep training.
 */
public final class ExponentialMovingAverage {
    private final double decay;
    private final Map<String, Tensor> parameters;
    private final Map<String, Tensor> shadow = new LinkedHashMap<>();

    /** {@code parameters}: name → the trainable parameters, on their device. */
    public ExponentialMovingAverage(double decay, Map<String, Tensor> parameters) {
        this.decay = decay;
        this.parameters = Map.copyOf(parameters);
        try (NoGradGuard guard = new NoGradGuard()) {
            parameters.forEach((name, p) -> shadow.put(name, p.detach().to(ScalarType.Float).clone()));
        }
    }

    /** After an update: moves the shadow towards the current weights. */
    public void update() {
        try (NoGradGuard guard = new NoGradGuard()) {
            shadow.forEach((name, s) -> s.mul_(Tensors.scalar(decay)).add_(parameters.get(name).to(ScalarType.Float),
                    Tensors.scalar(1 - decay)));
        }
    }

    /** Runs {@code action} with the shadow as the weights, then puts the raw weights back bit for bit. */
    public void withAverageWeights(Runnable action) {
        Map<String, Tensor> raw = new LinkedHashMap<>();
        try (NoGradGuard guard = new NoGradGuard()) {
            parameters.forEach((name, p) -> {
                raw.put(name, p.detach().clone());
                p.copy_(shadow.get(name));
            });
        }
        try {
            action.run();
        } finally {
            try (NoGradGuard guard = new NoGradGuard()) {
                parameters.forEach((name, p) -> p.copy_(raw.get(name)));
            }
        }
    }

    /** The shadow by parameter name (the tensors themselves), for a checkpoint. */
    public Map<String, Tensor> state() {
        return shadow;
    }

    /** Restores what {@link #state} saved; every parameter's shadow must be there. */
    public void loadState(Map<String, Tensor> saved) {
        try (NoGradGuard guard = new NoGradGuard()) {
            shadow.forEach((name, s) -> {
                Tensor t = saved.get(name);
                if (t == null) throw new IllegalArgumentException("no moving average of " + name);
                s.copy_(t);
            });
        }
    }
}
