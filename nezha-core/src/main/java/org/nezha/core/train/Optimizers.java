package org.nezha.core.train;

import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.Tensor;

import org.nezha.core.InputException;
import org.nezha.core.OptionChecks;

/**
 * The {@code --optimizer} choice: AdamW, Adam (L2 decay), Adagrad or LAMB, with BERT's betas and
 * weight-decay exclusions ({@link AdamW#decayedByDefault}) for all of them, as HF's Trainer groups
 * parameters whatever the optimizer.
 */
public final class Optimizers {
    public static final List<String> NAMES = List.of("adamw", "adam", "adagrad", "lamb");

    private Optimizers() {}

    /** {@code adamw}, {@code adam}, {@code adagrad} or {@code lamb} (bias-corrected moments, as NVIDIA's BERT recipe) over {@code params}. */
    public static Optimizer create(String name, Map<String, Tensor> params, double weightDecay, double epsilon) {
        return create(name, params, RateFactors.NONE, weightDecay, epsilon);
    }

    /** As {@link #create(String, Map, double, double)}, each parameter's rate scaled by its factor in {@code rates}. */
    public static Optimizer create(String name, Map<String, Tensor> params, RateFactors rates, double weightDecay, double epsilon) {
        check(name, weightDecay, epsilon);
        return switch (name) {
            case "lamb" -> new Lamb(params, rates, 0.9, 0.999, epsilon, weightDecay, true, AdamW::decayedByDefault);
            case "adam" -> new Adam(params, rates, 0.9, 0.999, epsilon, weightDecay, AdamW::decayedByDefault);
            case "adagrad" -> new Adagrad(params, rates, epsilon, weightDecay, AdamW::decayedByDefault);
            default -> new AdamW(params, rates, 0.9, 0.999, epsilon, weightDecay, AdamW::decayedByDefault);
        };
    }

    /** The ε an optimizer gets when none is given: torch.optim.Adagrad's 1e-10, BERT's 1e-8 for the Adam family. */
    public static double defaultEpsilon(String name) {
        return name.equals("adagrad") ? 1e-10 : 1e-8;
    }

    public static void requireKnown(String name) {
        if (!NAMES.contains(name)) throw new InputException("--optimizer " + name + ": choose one of " + String.join(", ", NAMES));
    }

    /** The options' checks alone, for jobs that validate everything before any work. */
    public static void check(String name, double weightDecay, double epsilon) {
        requireKnown(name);
        OptionChecks.positive("--epsilon", epsilon);
        OptionChecks.nonNegative("--weight-decay", weightDecay);
    }
}
