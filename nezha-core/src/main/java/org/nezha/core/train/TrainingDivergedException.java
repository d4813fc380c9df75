package org.nezha.core.train;

import java.util.Locale;

/**
 * The loss or the gradient norm of an update, or the weights it left, became NaN or infinite (outside
 * fp16's loss scaling, which skips such updates): the weights are ruined from that update on. Names
 * the first bad step and the last good loss, so the job can say where the run went wrong.
 *
 * @param lastFiniteStep the last update with a finite loss, or 0 when there was none in this run
 */
public final class TrainingDivergedException extends RuntimeException {
    private final long step;
    private final String quantity;
    private final double value;
    private final long lastFiniteStep;
    private final double lastFiniteLoss;

    TrainingDivergedException(long step, String quantity, double value, long lastFiniteStep, double lastFiniteLoss) {
        super(describe(step, quantity, value, lastFiniteStep, lastFiniteLoss));
        this.step = step;
        this.quantity = quantity;
        this.value = value;
        this.lastFiniteStep = lastFiniteStep;
        this.lastFiniteLoss = lastFiniteLoss;
    }

    private static String describe(long step, String quantity, double value, long lastFiniteStep, double lastFiniteLoss) {
        String last = lastFiniteStep > 0
                ? String.format(Locale.ROOT, "last finite loss %.4f at step %d", lastFiniteLoss, lastFiniteStep)
                : "no finite loss before it";
        return "the " + quantity + " became " + value + " at step " + step + " (" + last + ")";
    }

    /** The first update (1-based) whose loss, gradient norm or weights were found not finite. */
    public long step() {
        return step;
    }

    /** "loss", "gradient norm" or "weights' norm". */
    public String quantity() {
        return quantity;
    }

    public double value() {
        return value;
    }

    public long lastFiniteStep() {
        return lastFiniteStep;
    }

    public double lastFiniteLoss() {
        return lastFiniteLoss;
    }
}
