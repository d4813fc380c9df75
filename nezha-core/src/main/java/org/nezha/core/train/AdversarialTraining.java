package org.nezha.core.train;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import org.nezha.core.InputException;
import org.nezha.core.OptionChecks;
import org.nezha.core.tensor.Tensors;

/**
 * Adversarial training on the word-embedding matrix E, as the common competition code does it: after a
 * micro-batch's backward, E moves along its gradient g, the loss at the moved E adds its gradients to the
 * clean ones, and E is restored bit for bit.
 * <ul>
 *   <li>FGM (Miyato et al.): one pass at E + ε·g/‖g‖;</li>
 *   <li>PGD (Madry et al.): K steps of α·g/‖g‖, each projected back into the ball ‖δ‖ ≤ ε around the clean E,
 *       each step's g the gradient at the previous step's E; only the K-th step's gradients are kept
 *       (the intermediate passes only find the direction).</li>
 * </ul>
 * ‖·‖ is the L2 norm of the whole matrix. g is this micro-batch's own gradient (earlier micro-batches'
 * are set aside meanwhile), and this process's own under data parallel, as HF and competition code do:
 * the averaged gradient exists only after the all-reduce, which then averages clean and adversarial
 * gradients together. g/‖g‖ does not depend on fp16's loss scale or accumulation's factor; a g whose norm
 * is 0 or not finite (an fp16 overflow, whose update the scaler skips anyway) adds no adversarial pass.
 *
 * @param method one of {@link #METHODS}
 * @param epsilon ε, the perturbation's L2 norm (FGM) or its bound (PGD)
 * @param pgdSteps K (PGD)
 * @param pgdAlpha α, each PGD step's L2 norm
 */
public record AdversarialTraining(String method, double epsilon, int pgdSteps, double pgdAlpha) {
    public static final List<String> METHODS = List.of("fgm", "pgd");
    public static final int DEFAULT_PGD_STEPS = 3;
    public static final double DEFAULT_PGD_ALPHA = 0.3;

    public AdversarialTraining {
        if (!METHODS.contains(method)) throw new InputException("--adversarial " + method + ": choose one of " + String.join(", ", METHODS));
        OptionChecks.positive("--adv-epsilon", epsilon);
        OptionChecks.atLeast("--pgd-steps", pgdSteps, 1);
        OptionChecks.positive("--pgd-alpha", pgdAlpha);
    }

    /** The micro-batch's passes through the model, each a forward and a backward of its loss × the trainer's factor. */
    public interface Passes {
        /** The backward of the clean forward's loss (its forward ran already). */
        void cleanBackward();

        /** A forward and backward of the same micro-batch at the current (perturbed) weights. */
        void perturbedPass();

        /** Runs {@code backward} with its gradients not yet handed to data-parallel sync ({@link Trainer#holdingGradientHandover}). */
        void holdingHandover(Runnable backward);
    }

    /**
     * The micro-batch's backward with its adversarial passes: {@code embeddings} is E (a parameter),
     * {@code parameters} all trainable ones (PGD sets their gradients aside during its intermediate passes).
     */
    public void backward(Tensor embeddings, Collection<Tensor> parameters, Passes passes) {
        Tensor direction = ownGradientDirection(embeddings, () -> passes.holdingHandover(passes::cleanBackward));
        if (direction == null) return;
        Tensor clean = detachedCopy(embeddings);
        try {
            if (method.equals("fgm")) {
                perturb(embeddings, clean, direction, epsilon);
                passes.perturbedPass();
            } else {
                projectedGradientSteps(embeddings, clean, direction, parameters, passes);
            }
        } finally {
            try (NoGradGuard guard = new NoGradGuard()) {
                embeddings.copy_(clean);
            }
        }
    }

    private void projectedGradientSteps(Tensor embeddings, Tensor clean, Tensor direction, Collection<Tensor> parameters, Passes passes) {
        GradientBackup kept = pgdSteps > 1 ? new GradientBackup(parameters) : null;
        for (int step = 1; step <= pgdSteps; step++) {
            perturb(embeddings, clean, direction, pgdAlpha);
            if (step == pgdSteps) {
                if (kept != null) kept.restore();
                passes.perturbedPass();
                return;
            }
            kept.zero();
            passes.holdingHandover(passes::perturbedPass);
            direction = unit(embeddings.grad());
            if (direction == null) { // nowhere to go: no adversarial gradients this micro-batch
                kept.restore();
                return;
            }
        }
    }

    /**
     * E += step·direction, then (PGD) δ = E − clean scaled back to norm ε where it is longer: the perturbation
     * FGM adds is exactly {@code direction × step} (one multiply by a scalar).
     */
    private void perturb(Tensor embeddings, Tensor clean, Tensor direction, double step) {
        try (NoGradGuard guard = new NoGradGuard()) {
            embeddings.add_(direction.mul(Tensors.scalar(step)));
            if (method.equals("fgm")) return;
            Tensor delta = embeddings.sub(clean);
            double norm = delta.norm().item_double();
            if (norm > epsilon) embeddings.copy_(clean.add(delta.mul(Tensors.scalar(epsilon / norm))));
        }
    }

    /**
     * Runs {@code backward} with E's gradient from earlier micro-batches set aside, and returns this
     * backward's g/‖g‖ (null when ‖g‖ is 0 or not finite); E's gradient is the sum again afterwards.
     */
    static Tensor ownGradientDirection(Tensor embeddings, Runnable backward) {
        Tensor earlier = null;
        try (NoGradGuard guard = new NoGradGuard()) {
            if (embeddings.grad().defined()) {
                earlier = embeddings.grad().clone();
                embeddings.grad().zero_();
            }
        }
        backward.run();
        try (NoGradGuard guard = new NoGradGuard()) {
            Tensor direction = unit(embeddings.grad());
            if (earlier != null) embeddings.grad().add_(earlier);
            return direction;
        }
    }

    /** g/‖g‖ as g × (1/‖g‖), or null when g is missing or its norm 0 or not finite. */
    static Tensor unit(Tensor gradient) {
        if (!gradient.defined()) return null;
        try (NoGradGuard guard = new NoGradGuard()) {
            double norm = gradient.norm().item_double();
            if (!(norm > 0) || !Double.isFinite(norm)) return null;
            return gradient.mul(Tensors.scalar(1.0 / norm));
        }
    }

    private static Tensor detachedCopy(Tensor t) {
        try (NoGradGuard guard = new NoGradGuard()) {
            return t.detach().clone();
        }
    }

    /** The parameters' gradients at one moment, put back after PGD's intermediate passes. */
    private static final class GradientBackup {
        private final List<Tensor> parameters;
        private final List<Tensor> saved = new ArrayList<>();

        GradientBackup(Collection<Tensor> parameters) {
            this.parameters = List.copyOf(parameters);
            try (NoGradGuard guard = new NoGradGuard()) {
                for (Tensor p : this.parameters) saved.add(p.grad().defined() ? p.grad().clone() : null);
            }
        }

        void zero() {
            try (NoGradGuard guard = new NoGradGuard()) {
                for (Tensor p : parameters) if (p.grad().defined()) p.grad().zero_();
            }
        }

        void restore() {
            try (NoGradGuard guard = new NoGradGuard()) {
                for (int i = 0; i < parameters.size(); i++) {
                    Tensor g = parameters.get(i).grad();
                    if (!g.defined()) continue;
                    if (saved.get(i) == null) g.zero_();
                    else g.copy_(saved.get(i));
                }
            }
        }
    }
}
