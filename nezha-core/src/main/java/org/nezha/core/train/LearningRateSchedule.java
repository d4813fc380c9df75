package org.nezha.core.train;

import java.util.List;

import org.nezha.core.InputException;

/**
 * Linear warmup from 0 to the peak rate, then decay to {@code endRate} at {@code totalSteps}:
 * linear, polynomial ({@code (1 − progress)^power}, as BERT's and NEZHA's recipes), cosine (half a
 * cosine, {@code (1 + cos(π·progress)) / 2}, as HF's get_cosine_schedule_with_warmup) or constant.
 */
public record LearningRateSchedule(double peakRate, long warmupSteps, long totalSteps, Decay decay, double power,
        double endRate) {

    public enum Decay { LINEAR, POLYNOMIAL, COSINE, CONSTANT }

    /** The {@code --scheduler} names, as HF's SchedulerType: linear, cosine, constant (after warmup), poly. */
    public static final List<String> SCHEDULERS = List.of("linear", "cosine", "constant", "poly");

    /** HF's get_polynomial_decay_schedule_with_warmup ends at lr_end 1e-7 by default; so does {@code poly}. */
    public static final double POLY_END_RATE = 1e-7;

    public LearningRateSchedule {
        if (peakRate <= 0) throw new IllegalArgumentException("learning rate must be positive, got " + peakRate);
        if (warmupSteps < 0 || totalSteps < 1) throw new IllegalArgumentException("bad schedule lengths");
    }

    /** The decay a {@code --scheduler} name stands for. */
    public static Decay decayOf(String scheduler) {
        return switch (scheduler) {
            case "linear" -> Decay.LINEAR;
            case "cosine" -> Decay.COSINE;
            case "constant" -> Decay.CONSTANT;
            case "poly" -> Decay.POLYNOMIAL;
            default -> throw new InputException("--scheduler " + scheduler + ": choose one of " + String.join(", ", SCHEDULERS));
        };
    }

    /** The rate for update number {@code step} (0-based). */
    public double rateAt(long step) {
        if (step < warmupSteps) return peakRate * (step + 1) / warmupSteps;
        if (decay == Decay.CONSTANT) return peakRate;
        long decaySteps = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
        double factor = switch (decay) {
            case LINEAR -> 1.0 - progress;
            case POLYNOMIAL -> Math.pow(1.0 - progress, power);
            case COSINE -> 0.5 * (1.0 + Math.cos(Math.PI * progress));
            case CONSTANT -> 1.0;
        };
        return endRate + (peakRate - endRate) * factor;
    }
}
