package org.nezha.core.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;

import com.fasterxml.jackson.databind.JsonNode;

import org.nezha.core.train.Trainer;
import org.nezha.core.train.TrainingDivergedException;

/**
 * The user-facing side of a training run: live progress, one {@code metrics.jsonl} line per logged
 * step and per evaluation, and the series behind the loss curve.
 */
final class TrainingLog implements AutoCloseable {
    private final MetricsLog metrics;
    private final Path metricsFile;
    private final Progress progress;
    private final List<Long> steps = new ArrayList<>();
    private final List<Double> losses = new ArrayList<>();
    private final List<Double> rates = new ArrayList<>();
    private final List<Long> evalSteps = new ArrayList<>();
    private final List<Double> evalValues = new ArrayList<>();
    private final String plottedScore;
    private Trainer.StepLog last;

    /**
     * {@code metricsFile} null: keep the series but write nothing (a data-parallel rank other than 0).
     * {@code resumedAt}: 0 starts the file afresh; a resumed run's step keeps the file's records up to
     * it (later ones are logged again) and puts them back in the curves. {@code plottedScore}: the
     * evaluation score the curve shows (null without evaluations).
     */
    TrainingLog(Path metricsFile, long resumedAt, String plottedScore, Progress progress) {
        this.plottedScore = plottedScore;
        this.progress = progress;
        if (metricsFile != null && resumedAt > 0) MetricsLog.keepUpTo(metricsFile, resumedAt).forEach(this::replay);
        this.metrics = metricsFile == null ? null : new MetricsLog(metricsFile, resumedAt > 0);
        this.metricsFile = metricsFile;
    }

    /** An earlier run's record, into the curves. */
    private void replay(JsonNode record) {
        long step = record.get("step").asLong();
        if ("dev".equals(record.path("split").asText()) && record.path(plottedScore).isNumber()) {
            evalSteps.add(step);
            evalValues.add(record.get(plottedScore).asDouble());
        } else if ("train".equals(record.path("split").asText()) && record.path("loss").isNumber()) {
            steps.add(step);
            losses.add(record.get("loss").asDouble());
        }
    }

    /** The trainer's listener: progress and logs here, {@code onCheckpoint} for the job's own checkpoint or evaluation. */
    Trainer.Listener listener(LongConsumer onCheckpoint) {
        return listener(step -> {}, onCheckpoint);
    }

    /** {@link #listener(LongConsumer)}, and {@code afterUpdate} after every update (a moving average's). */
    Trainer.Listener listener(LongConsumer afterUpdate, LongConsumer onCheckpoint) {
        return new Trainer.Listener() {
            @Override
            public void onUpdate(long step) {
                afterUpdate.accept(step);
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
        progress.advance(step, status());
    }

    /** The progress status: the last logged loss. */
    String status() {
        return last == null ? "" : String.format(Locale.ROOT, "loss %.4f", last.loss());
    }

    void onLog(Trainer.StepLog log) {
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

    /** An evaluation record ({@code split} = dev); its {@code plottedScore} goes into the curve. */
    void onEvaluation(long step, Map<String, Object> scores) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("split", "dev");
        record.put("step", step);
        record.putAll(scores);
        if (metrics != null) metrics.write(record);
        evalSteps.add(step);
        evalValues.add(((Number) scores.get(plottedScore)).doubleValue());
    }

    /**
     * Records that the run stopped because it diverged; the value, NaN or infinite, is not JSON and
     * is written as text.
     */
    void onDivergence(TrainingDivergedException e) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("split", "train");
        record.put("step", e.step());
        record.put("event", "diverged");
        record.put("quantity", e.quantity());
        record.put("value", Double.toString(e.value()));
        record.put("last_finite_step", e.lastFiniteStep() > 0 ? e.lastFiniteStep() : null);
        record.put("last_finite_loss", e.lastFiniteStep() > 0 ? e.lastFiniteLoss() : null);
        if (metrics != null) metrics.write(record);
    }

    /** Where the records go, or null when this process writes none. */
    Path metricsFile() {
        return metricsFile;
    }

    /** The first logged loss of the whole run, a resumed run's earlier records included (null before any log). */
    LoggedLoss firstLoss() {
        return losses.isEmpty() ? null : new LoggedLoss(steps.getFirst(), losses.getFirst());
    }

    LoggedLoss lastLoss() {
        return losses.isEmpty() ? null : new LoggedLoss(steps.getLast(), losses.getLast());
    }

    /** Mean tokens/s over the logged windows, leaving out the first (it includes start-up). */
    double steadyTokensPerSecond() {
        List<Double> steady = rates.size() > 1 ? rates.subList(1, rates.size()) : rates;
        return steady.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    LossCurve.Series lossSeries() {
        return new LossCurve.Series("training loss", steps, losses);
    }

    LossCurve.Series evaluationSeries() {
        return new LossCurve.Series("dev " + plottedScore, evalSteps, evalValues);
    }

    @Override
    public void close() {
        if (metrics != null) metrics.close();
    }
}
