package org.nezha.core.train;

/**
 * Linear warmup from 0 to the peak rate, then decay to {@code endRate} at {@code totalSteps}:
 * linear, polynomial ({@code (1 − progress)^power}, as BERT's and NEZHA's recipes) or constant.
 */
public record LearningRateSchedule(double peakRate, long warmupSteps, long totalSteps, Decay decay, double power,
        double endRate) {

    public enum Decay { LINEAR, POLYNOMIAL, CONSTANT }

    public LearningRateSchedule {
        if (peakRate <= 0) throw new IllegalArgumentException("learning rate must be positive, got " + peakRate);
        if (warmupSteps < 0 || totalSteps < 1) throw new IllegalArgumentException("bad schedule lengths");
    }

    /** The rate for update number {@code step} (0-based). */
    public double rateAt(long step) {
        if (step < warmupSteps) return peakRate * (step + 1) / warmupSteps;
        if (decay == Decay.CONSTANT) return peakRate;
        long decaySteps = Math.max(1, totalSteps - warmupSteps);
        double remaining = Math.max(0.0, 1.0 - (double) (step - warmupSteps) / decaySteps);
        double factor = decay == Decay.LINEAR ? remaining : Math.pow(remaining, power);
        return endRate + (peakRate - endRate) * factor;
    }
}
