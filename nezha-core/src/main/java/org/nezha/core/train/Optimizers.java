package org.nezha.core.train;

import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.Tensor;

import org.nezha.core.InputException;
import org.nezha.core.OptionChecks;

/** The {@code --optimizer} choice: AdamW or LAMB, with BERT's betas and weight-decay exclusions. */
public final class Optimizers {
    private Optimizers() {}

    /** {@code adamw} or {@code lamb} (bias-corrected moments, as NVIDIA's BERT recipe) over {@code params}. */
    public static Optimizer create(String name, Map<String, Tensor> params, double weightDecay, double epsilon) {
        check(name, weightDecay, epsilon);
        return switch (name) {
            case "lamb" -> new Lamb(params, 0.9, 0.999, epsilon, weightDecay, true, AdamW::decayedByDefault);
            default -> new AdamW(params, 0.9, 0.999, epsilon, weightDecay, AdamW::decayedByDefault);
        };
    }

    public static void requireKnown(String name) {
        if (!List.of("adamw", "lamb").contains(name)) throw new InputException("--optimizer " + name + ": choose adamw or lamb");
    }

    /** The options' checks alone, for jobs that validate everything before any work. */
    public static void check(String name, double weightDecay, double epsilon) {
        requireKnown(name);
        OptionChecks.positive("--epsilon", epsilon);
        OptionChecks.nonNegative("--weight-decay", weightDecay);
    }
}
