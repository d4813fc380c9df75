package org.nezha.core.train;

import java.util.Map;

import org.bytedeco.pytorch.Tensor;

import org.nezha.core.InputException;

/** The {@code --optimizer} choice: AdamW or LAMB, with BERT's betas and weight-decay exclusions. */
public final class Optimizers {
    private Optimizers() {}

    /** {@code adamw} or {@code lamb} (bias-corrected moments, as NVIDIA's BERT recipe) over {@code params}. */
    public static Optimizer create(String name, Map<String, Tensor> params, double weightDecay, double epsilon) {
        if (!(epsilon > 0)) throw new InputException("--epsilon must be positive, got " + epsilon);
        if (weightDecay < 0) throw new InputException("--weight-decay must be >= 0, got " + weightDecay);
        return switch (name) {
            case "adamw" -> new AdamW(params, 0.9, 0.999, epsilon, weightDecay, AdamW::decayedByDefault);
            case "lamb" -> new Lamb(params, 0.9, 0.999, epsilon, weightDecay, true, AdamW::decayedByDefault);
            default -> throw new InputException("--optimizer " + name + ": choose adamw or lamb");
        };
    }
}
