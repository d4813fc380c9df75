package org.nezha.core.pipeline;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.nezha.core.RunFailedException;
import org.nezha.core.train.Precision;
import org.nezha.core.train.TrainingDivergedException;

/**
 * What a training job tells the user when its loss blew up: where it happened, what to change, and
 * which of its outputs are still good (nothing from after the failure was written).
 */
final class Divergence {
    private final List<String> advice = new ArrayList<>();
    private final List<String> kept = new ArrayList<>();

    /** Advice every training job shares: the learning rate, clipping and fp16. */
    Divergence(double learningRate, double maxGradNorm, Precision precision) {
        advice.add("a lower --lr (this run: " + BigDecimal.valueOf(learningRate).stripTrailingZeros() + ")");
        if (maxGradNorm <= 0) advice.add("--max-grad-norm 1.0 (clipping was off)");
        if (precision == Precision.FP16) advice.add("--precision bf16 or fp32 instead of fp16");
    }

    Divergence advise(String suggestion) {
        advice.add(suggestion);
        return this;
    }

    /** An output that is still good, e.g. "last good checkpoint: DIR"; null is left out. */
    Divergence keep(String what, Path where) {
        if (where != null) kept.add(what + ": " + where);
        return this;
    }

    /**
     * Records the failure in the run's log, redraws the loss curve up to it ({@code plot}; neither on
     * a data-parallel rank that writes nothing) and returns the one-line error for the user.
     */
    RunFailedException failure(TrainingDivergedException e, TrainingLog log, Runnable plot) {
        Path metricsFile = log.metricsFile();
        if (metricsFile == null) { // a data-parallel rank that writes nothing: rank 0 says the rest
            return new RunFailedException("training diverged: " + e.getMessage() + " (rank 0 says what to try)", e);
        }
        log.onDivergence(e);
        plot.run();
        StringBuilder line = new StringBuilder("training diverged: ").append(e.getMessage()).append(". Try ")
                .append(String.join(", ", advice)).append('.');
        for (String k : kept) line.append(' ').append(Character.toUpperCase(k.charAt(0))).append(k.substring(1)).append('.');
        line.append(" The failure is recorded in ").append(metricsFile).append('.');
        return new RunFailedException(line.toString(), e);
    }
}
