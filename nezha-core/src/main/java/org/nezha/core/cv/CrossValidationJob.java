package org.nezha.core.cv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.nezha.core.InputException;
import org.nezha.core.data.RawTaskFile;
import org.nezha.core.data.TaskExample;
import org.nezha.core.distributed.DistributedEnvironment;
import org.nezha.core.io.IoErrors;
import org.nezha.core.io.OutputPaths;
import org.nezha.core.pipeline.Execution;
import org.nezha.core.pipeline.FineTunedModel;
import org.nezha.core.pipeline.FinetuneJob;
import org.nezha.core.pipeline.JsonFiles;
import org.nezha.core.pipeline.LossCurve;
import org.nezha.core.pipeline.PretrainJob;
import org.nezha.core.pipeline.Progress;
import org.nezha.core.task.FinetuneTask;
import org.nezha.core.task.Tasks;
import org.nezha.core.task.classification.ClassificationTask;
import org.nezha.core.task.classification.ClassificationTask.Prediction;
import org.nezha.core.task.classification.DecisionThreshold;
import org.nezha.core.task.classification.PredictionCsv;

/**
 * {@code nezha cv}: k-fold cross-validation of a classification fine-tuning (pair, single). The training
 * file is split into K folds ({@link FoldSplitter}); fold N (from 1) trains on the others and is the dev
 * set, in {@code DIR/fold-N/} with its train and dev files and the whole finetune output (best model in
 * {@code best/}). Each best model predicts its held-out fold: {@code oof.csv} holds these out-of-fold
 * predictions for every training example, {@code cv_summary.json} the selection metric per fold (on its
 * out-of-fold predictions) with mean and standard deviation and the metrics of all out-of-fold predictions,
 * {@code folds.png} each fold's dev curve.
 */
public final class CrossValidationJob {
    public static final String OOF = "oof.csv";
    public static final String SUMMARY = "cv_summary.json";
    public static final String PLOT = "folds.png";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final class Settings {
        public int folds = 5;
        public Path output;
        /** A header column (TSV) or field (JSON Lines) whose rows stay in one fold, or null. */
        public String groupBy;
        public boolean stratify;
        public long seed = 42;
        public boolean overwrite;
        /** Binary tasks: the out-of-fold predictions pick a decision threshold, stored in every fold's model. */
        public boolean thresholdSearch;
        /** The fine-tuning of every fold; its train file is the one split, its dev and output are set per fold. */
        public FinetuneJob.Settings finetune;
    }

    /** One fold: its sizes, the step of its best model and the selection metric on its held-out examples. */
    public record Fold(int number, int trainExamples, int devExamples, long bestStep, double score) {}

    /** {@code std}: the population standard deviation of the fold scores (numpy's default). {@code threshold}: null unless searched. */
    public record Result(String metric, List<Fold> folds, double mean, double std, Map<String, Object> oofMetrics, Double threshold,
            Path summary, Path oofFile, Path plot) {}

    private final Settings settings;
    private final Execution execution;
    private final Progress progress;

    public CrossValidationJob(Settings settings, Execution execution, Progress progress) {
        this.settings = settings;
        this.execution = execution;
        this.progress = progress;
    }

    public Result run() {
        Settings s = settings;
        FinetuneJob.Settings base = s.finetune;
        FinetuneTask<?, ?, ?> named = Tasks.create(base.task, base.taskOptions, "--task");
        if (!(named instanceof ClassificationTask task)) {
            throw new InputException("cv: --task " + base.task + ": cross-validation is for pair and single classification");
        }
        if (base.resume != null) {
            throw new InputException("cv: --resume continues one run; rerun a fold with nezha finetune and its DIR/fold-N/ files instead");
        }
        if (DistributedEnvironment.fromSystem().worldSize() > 1) throw new InputException("cv runs in one process, not under nezha launch");
        String metric = base.metric != null ? base.metric : task.selectionMetrics().getFirst();
        if (!task.selectionMetrics().contains(metric)) throw new InputException("--metric " + metric + ": " + task.name() + " selects by one of " + task.selectionMetrics());
        FinetuneJob.Settings probe = base.copy();
        probe.dev = base.train; // each fold has its own
        FinetuneJob.validateOptions(probe);
        OutputPaths.requireUsableDirectory(s.output, s.overwrite);

        List<TaskExample> examples = task.read(base.train, true);
        List<String> labels = task.labels(examples);
        if (s.thresholdSearch) DecisionThreshold.requireBinary(labels, "--threshold-search");
        RawTaskFile raw = RawTaskFile.read(base.train);
        List<String> groups = s.groupBy == null ? null : raw.column(s.groupBy, examples, "--group-by");
        int[] folds = FoldSplitter.assign(examples.size(), s.folds, groups, s.stratify ? examples.stream().map(TaskExample::label).toList() : null,
                s.seed);
        for (int i = 0; i < folds.length; i++) folds[i]++; // folds are numbered from 1, as their directories

        OutputPaths.claimRunDirectory(s.output);
        Prediction[] outOfFold = new Prediction[examples.size()];
        List<Long> bestSteps = new ArrayList<>();
        List<LossCurve.Series> curves = new ArrayList<>();
        for (int fold = 1; fold <= s.folds; fold++) {
            FinetuneJob.Settings run = base.copy();
            run.output = s.output.resolve("fold-" + fold);
            run.train = run.output.resolve("train" + raw.extension());
            run.dev = run.output.resolve("dev" + raw.extension());
            run.overwrite = true; // the fold directory is this run's own
            run.thresholdSearch = false; // searched once, on all out-of-fold predictions
            List<TaskExample> dev = inFold(examples, folds, fold, true);
            OutputPaths.createDirectory(run.output);
            raw.writeSubset(run.train, inFold(examples, folds, fold, false), examples.getFirst().line());
            raw.writeSubset(run.dev, dev, examples.getFirst().line());
            progress.info(String.format(Locale.ROOT, "fold %d/%d: train %,d examples, dev %,d", fold, s.folds, examples.size() - dev.size(), dev.size()));
            FinetuneJob.Result result = new FinetuneJob(run, execution, progress).run();
            bestSteps.add(result.bestStep());
            curves.add(devCurve(run.output.resolve(PretrainJob.METRICS), metric, "fold " + fold));

            FineTunedModel<TaskExample, Void, Prediction> best = FineTunedModel.load(task, result.bestModelDir(), execution);
            Iterator<Prediction> predicted = best.predict(dev, true, best.defaultSeqLen(), base.evalBatchSize, true,
                    "fold " + fold + " out-of-fold", progress).predictions().iterator();
            for (int i = 0; i < examples.size(); i++) if (folds[i] == fold) outOfFold[i] = predicted.next();
        }

        List<Prediction> predictions = List.of(outOfFold);
        ClassificationTask decider = task;
        DecisionThreshold.Choice threshold = null;
        if (s.thresholdSearch) {
            threshold = DecisionThreshold.search(examples, predictions, labels);
            decider = task.withThreshold(threshold.threshold());
            for (int fold = 1; fold <= s.folds; fold++) {
                DecisionThreshold.store(s.output.resolve("fold-" + fold).resolve(FinetuneJob.BEST_MODEL), threshold.threshold());
            }
            predictions = relabel(predictions, decider);
        }
        List<Fold> foldScores = new ArrayList<>();
        for (int fold = 1; fold <= s.folds; fold++) {
            List<TaskExample> held = inFold(examples, folds, fold, true);
            double score = ((Number) decider.metrics(held, inFold(predictions, folds, fold, true), labels).get(metric)).doubleValue();
            foldScores.add(new Fold(fold, examples.size() - held.size(), held.size(), bestSteps.get(fold - 1), score));
        }
        double mean = foldScores.stream().mapToDouble(Fold::score).average().orElseThrow();
        double std = Math.sqrt(foldScores.stream().mapToDouble(f -> (f.score() - mean) * (f.score() - mean)).average().orElseThrow());
        Map<String, Object> oofMetrics = decider.metrics(examples, predictions, labels);

        Path oofFile = s.output.resolve(OOF);
        PredictionCsv.writeOutOfFold(oofFile, examples, folds, predictions, labels);
        Path plot = s.output.resolve(PLOT);
        LossCurve.writePng(plot, "NEZHA " + s.folds + "-fold cross-validation", "dev " + metric, curves);
        Result result = new Result(metric, foldScores, mean, std, oofMetrics, threshold == null ? null : threshold.threshold(),
                s.output.resolve(SUMMARY), oofFile, plot);
        JsonFiles.write(result.summary(), summary(result, labels, examples.size(), threshold));
        return result;
    }

    /** The items of {@code fold} ({@code held}: held out) or of the other folds, in their order. */
    private static <T> List<T> inFold(List<T> items, int[] folds, int fold, boolean held) {
        List<T> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) if ((folds[i] == fold) == held) out.add(items.get(i));
        return out;
    }

    /** The same probabilities, labelled by {@code task}'s decision rule. */
    private static List<Prediction> relabel(List<Prediction> predictions, ClassificationTask task) {
        return predictions.stream().map(p -> new Prediction(task.decide(p.probabilities()), p.probabilities())).toList();
    }

    /** The fold's dev scores by step, from its metrics.jsonl. */
    private static LossCurve.Series devCurve(Path metricsFile, String metric, String name) {
        List<Long> steps = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(metricsFile)) {
                JsonNode record = JSON.readTree(line);
                if (record != null && "dev".equals(record.path("split").asText()) && record.path(metric).isNumber()) {
                    steps.add(record.get("step").asLong());
                    values.add(record.get(metric).asDouble());
                }
            }
        } catch (IOException e) {
            throw InputException.in(metricsFile, "cannot read: " + IoErrors.reason(e));
        }
        return new LossCurve.Series(name, steps, values);
    }

    private Map<String, Object> summary(Result r, List<String> labels, int examples, DecisionThreshold.Choice threshold) {
        Settings s = settings;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("task", s.finetune.task);
        out.put("train", s.finetune.train.toString());
        out.put("examples", examples);
        out.put("labels", labels);
        out.put("folds", s.folds);
        out.put("seed", s.seed);
        out.put("stratify", s.stratify);
        out.put("group_by", s.groupBy);
        out.put("metric", r.metric());
        out.put("mean", r.mean());
        out.put("std", r.std());
        List<Map<String, Object>> perFold = new ArrayList<>();
        for (Fold f : r.folds()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("fold", f.number());
            entry.put("train_examples", f.trainExamples());
            entry.put("dev_examples", f.devExamples());
            entry.put("best_step", f.bestStep());
            entry.put(r.metric(), f.score());
            entry.put("model", s.output.resolve("fold-" + f.number()).resolve(FinetuneJob.BEST_MODEL).toString());
            perFold.add(entry);
        }
        out.put("per_fold", perFold);
        if (threshold != null) {
            out.put("threshold", threshold.threshold());
            out.put("threshold_positive_f1", threshold.positiveF1());
        }
        out.put("oof", r.oofMetrics());
        out.put("oof_file", r.oofFile().toString());
        out.put("plot", r.plot().toString());
        return out;
    }
}
