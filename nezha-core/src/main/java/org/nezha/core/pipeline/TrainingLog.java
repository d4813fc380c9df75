package org.nezha.core.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.nezha.core.train.Trainer;

/**
 * The user-facing side of a training run: live progress, one {@code metrics.jsonl} line per logged
 * step and per evaluation, and the series behind the loss curve.
 */
final class TrainingLog implements AutoCloseable {
    private final MetricsLog metrics;
    private final Progress progress;
    private final List<Long> steps = new ArrayList<>();
    private final List<Double> losses = new ArrayList<>();
    private final List<Double> rates = new ArrayList<>();
    private final List<Long> evalSteps = new ArrayList<>();
    private final List<Double> evalValues = new ArrayList<>();
    private Trainer.StepLog last;
    private Trainer.StepLog first;

    /**
     * {@code metricsFile} null: keep the series but write nothing (a data-parallel rank other than 0);
     * {@code append}: add to an existing file (a resumed run).
     */
    TrainingLog(Path metricsFile, boolean append, Progress progress) {
        this.metrics = metricsFile == null ? null : new MetricsLog(metricsFile, append);
        this.progress = progress;
    }

    /** The trainer's listener: progress and logs here, {@code onCheckpoint} for the job's own checkpoint or evaluation. */
    Trainer.Listener listener(java.util.function.LongConsumer onCheckpoint) {
        return new Trainer.Listener() {
            @Override
            public void onUpdate(long step) {
                TrainingLog.this.onUpdate(step);
            }

            @Override
            public void onLog(Trainer.StepLog log) {
                TrainingLog.this.onLog(log);
            }

            @Override
            public void onCheckpoint(long step) {
                onCheckpoint.accept(step);
            }
        };
    }

    /** The bar shows the last logged loss: reading every step's loss would make each step wait for the device. */
    void onUpdate(long step) {
        progress.advance(step, last == null ? "" : String.format(Locale.ROOT, "loss %.4f", last.loss()));
    }

    void onLog(Trainer.StepLog log) {
        if (first == null) first = log;
        last = log;
        if (Double.isFinite(log.loss())) { // a window of only skipped (fp16 overflow) updates has no loss
            steps.add(log.step());
            losses.add(log.loss());
        }
        rates.add(log.tokensPerSecond());
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("split", "train");
        record.putAll(log.toMap());
        if (metrics != null) metrics.write(record);
    }

    /** An evaluation record ({@code split} = dev) and, for the curve, one chosen value. */
    void onEvaluation(long step, Map<String, Object> scores, double plotted) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("split", "dev");
        record.put("step", step);
        record.putAll(scores);
        if (metrics != null) metrics.write(record);
        evalSteps.add(step);
        evalValues.add(plotted);
    }

    Trainer.StepLog firstLog() {
        return first;
    }

    Trainer.StepLog lastLog() {
        return last;
    }

    /** Mean tokens/s over the logged windows, leaving out the first (it includes start-up). */
    double steadyTokensPerSecond() {
        List<Double> steady = rates.size() > 1 ? rates.subList(1, rates.size()) : rates;
        return steady.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    LossCurve.Series lossSeries() {
        return new LossCurve.Series("training loss", steps, losses);
    }

    LossCurve.Series evaluationSeries(String name) {
        return new LossCurve.Series(name, evalSteps, evalValues);
    }

    @Override
    public void close() {
        if (metrics != null) metrics.close();
    }
}
