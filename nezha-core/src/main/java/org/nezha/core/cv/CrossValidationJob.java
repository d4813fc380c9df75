package org.nezha.core.cv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.nezha.core.InputException;
import org.nezha.core.data.SplittableFile;
import org.nezha.core.data.TaskExample;
import org.nezha.core.distributed.DistributedEnvironment;
import org.nezha.core.io.AtomicFiles;
import org.nezha.core.io.FileTrees;
import org.nezha.core.io.IoErrors;
import org.nezha.core.io.OutputPaths;
import org.nezha.core.pipeline.Execution;
import org.nezha.core.pipeline.FineTunedModel;
import org.nezha.core.pipeline.FinetuneJob;
import org.nezha.core.pipeline.JsonFiles;
import org.nezha.core.pipeline.LossCurve;
import org.nezha.core.pipeline.Progress;
import org.nezha.core.task.FinetuneTask;
import org.nezha.core.task.Tasks;
import org.nezha.core.task.classification.ClassificationTask;
import org.nezha.core.task.classification.ClassificationTask.Prediction;
import org.nezha.core.task.classification.DecisionThreshold;

/**
 * {@code nezha cv}: k-fold cross-validation of any fine-tuning task. The training file is split into K
 * folds ({@link FoldSplitter}); fold N (from 1) trains on the others and is the dev set, in {@code DIR/fold-N/}
 * with its train and dev files (written by the task's {@link SplittableFile}, in the training file's format)
 * and the whole finetune output (best model in {@code best/}). Each best model predicts its held-out fold:
 * {@code oof.<ext>} holds these out-of-fold predictions for every training example in the file's order, as
 * the task's writer writes predictions ({@link FinetuneTask#writeOutOfFold}; classification's CSV adds fold
 * and gold), {@code folds.tsv} each example's fold, {@code cv_summary.json} the selection metric per fold
 * (on its out-of-fold predictions) with mean and standard deviation and the metrics of all out-of-fold
 * predictions, {@code folds.png} each fold's dev curve. The task is only called through {@link FinetuneTask};
 * {@code --threshold-search}, a classification setting as in {@code finetune}, is the one exception.
 */
public final class CrossValidationJob {
    public static final String OOF = "oof";
    public static final String FOLDS = "folds.tsv";
    public static final String SUMMARY = "cv_summary.json";
    public static final String PLOT = "folds.png";
    private static final Pattern FOLD_DIRECTORY = Pattern.compile("fold-[0-9]+");

    public static final class Settings {
        public int folds = 5;
        public Path output;
        /** A key whose examples stay in one fold (a TSV header column, a JSON Lines field, a SQuAD context or title), or null. */
        public String groupBy;
        public boolean stratify;
        public long seed = 42;
        public boolean overwrite;
        /**
         * The fine-tuning of every fold; its train file is the one split, its dev and output are set per fold. Its
         * {@code thresholdSearch} (binary classification) searches once, on all out-of-fold predictions, and stores
         * the threshold in every fold's model.
         */
        public FinetuneJob.Settings finetune;
    }

    /** One fold: its sizes, the step of its best model and the selection metric on its held-out examples. */
    public record Fold(int number, int trainExamples, int devExamples, long bestStep, double score) {}

    /**
     * {@code std}: the population standard deviation of the fold scores (numpy's default). {@code threshold}:
     * null unless searched. {@code oofFile}: the out-of-fold predictions, {@code foldsFile} each example's fold.
     */
    public record Result(String metric, List<Fold> folds, double mean, double std, Map<String, Object> oofMetrics, Double threshold,
            Path summary, Path oofFile, Path foldsFile, Path plot) {}

    private final Settings settings;
    private final Execution execution;
    private final Progress progress;

    public CrossValidationJob(Settings settings, Execution execution, Progress progress) {
        this.settings = settings;
        this.execution = execution;
        this.progress = progress;
    }

    public Result run() {
        FinetuneJob.Settings base = settings.finetune;
        FinetuneTask<?, ?, ?> task = Tasks.create(base.task, base.taskOptions, "--task");
        if (base.resume != null) {
            throw new InputException("cv: --resume continues one run; rerun a fold with nezha finetune and its DIR/fold-N/ files instead");
        }
        if (DistributedEnvironment.fromSystem().worldSize() > 1) throw new InputException("cv runs in one process, not under nezha launch");
        return run(task);
    }

    private <X, M, P> Result run(FinetuneTask<X, M, P> task) {
        Settings s = settings;
        FinetuneJob.Settings base = s.finetune;
        String metric = base.metric != null ? base.metric : task.selectionMetrics().getFirst(); // the probe checks it
        OutputPaths.requireUsableDirectory(s.output, s.overwrite);
        // a fold's finetune checks its part of the training file; the whole file's errors (--metric, --threshold-search
        // for a task or labels without one, …) stop cv before it writes
        FinetuneJob.Settings probe = base.copy();
        probe.dev = base.train;
        probe.output = s.output.resolve("fold-1");
        probe.overwrite = true;
        new FinetuneJob(probe, execution, Progress.SILENT).check();

        List<X> examples = task.read(base.train, true);
        List<String> labels = task.labels(examples);
        List<String> strata = null;
        if (s.stratify) {
            strata = task.strata(examples);
            if (strata == null) {
                throw new InputException("--stratify: " + task.name() + " examples have no single label each to spread over the folds "
                        + "(pair and single have, and embedding rows that all carry a score)");
            }
        }
        SplittableFile file = task.splittable(base.train, examples);
        List<String> groups = s.groupBy == null ? null : file.groups(s.groupBy, "--group-by");
        int[] folds = FoldSplitter.assign(examples.size(), s.folds, groups, strata, s.seed);
        for (int i = 0; i < folds.length; i++) folds[i]++; // folds are numbered from 1, as their directories

        OutputPaths.claimRunDirectory(s.output);
        removeEarlierRuns(s.output, s.folds, OOF + task.predictionExtension());
        List<P> predictions = new ArrayList<>(Collections.nCopies(examples.size(), null));
        List<Long> bestSteps = new ArrayList<>();
        List<LossCurve.Series> curves = new ArrayList<>();
        for (int fold = 1; fold <= s.folds; fold++) {
            FinetuneJob.Settings run = base.copy();
            run.output = s.output.resolve("fold-" + fold);
            run.train = run.output.resolve("train" + file.extension());
            run.dev = run.output.resolve("dev" + file.extension());
            run.overwrite = true; // the fold directory is this run's own
            run.thresholdSearch = false; // searched once, on all out-of-fold predictions
            run.labels = labels; // the whole file's: a rare label missing from this fold's part still has its output
            List<Integer> held = inFold(folds, fold, true);
            OutputPaths.createDirectory(run.output);
            file.writeSubset(run.train, inFold(folds, fold, false));
            file.writeSubset(run.dev, held);
            progress.info(String.format(Locale.ROOT, "fold %d/%d: train %,d examples, dev %,d", fold, s.folds, examples.size() - held.size(), held.size()));
            FinetuneJob.Result result = new FinetuneJob(run, execution, progress).run();
            bestSteps.add(result.bestStep());
            curves.add(new LossCurve.Series("fold " + fold, result.devCurve().steps(), result.devCurve().values()));

            FineTunedModel<X, M, P> best = FineTunedModel.load(task, result.bestModelDir(), execution);
            Iterator<P> predicted = best.predict(pick(examples, held), true, best.defaultSeqLen(), base.evalBatchSize, true,
                    "fold " + fold + " out-of-fold", progress).predictions().iterator();
            for (int i : held) predictions.set(i, predicted.next());
        }

        FinetuneTask<X, M, P> decider = task;
        DecisionThreshold.Choice threshold = null;
        if (base.thresholdSearch) {
            Thresholded<X, M, P> searched = Thresholded.search((ClassificationTask) task, examples, predictions, labels);
            threshold = searched.choice();
            decider = searched.task();
            predictions = searched.predictions();
            for (int fold = 1; fold <= s.folds; fold++) {
                DecisionThreshold.store(s.output.resolve("fold-" + fold).resolve(FinetuneJob.BEST_MODEL), threshold.threshold());
            }
        }
        List<Fold> foldScores = new ArrayList<>();
        for (int fold = 1; fold <= s.folds; fold++) {
            List<Integer> held = inFold(folds, fold, true);
            Object score = decider.metrics(pick(examples, held), pick(predictions, held), labels).get(metric);
            foldScores.add(new Fold(fold, examples.size() - held.size(), held.size(), bestSteps.get(fold - 1), ((Number) score).doubleValue()));
        }
        double mean = foldScores.stream().mapToDouble(Fold::score).average().orElseThrow();
        double std = Math.sqrt(foldScores.stream().mapToDouble(f -> (f.score() - mean) * (f.score() - mean)).average().orElseThrow());
        Map<String, Object> oofMetrics = decider.metrics(examples, predictions, labels);

        Path oofFile = s.output.resolve(OOF + task.predictionExtension());
        decider.writeOutOfFold(oofFile, examples, folds, predictions, labels);
        Path foldsFile = s.output.resolve(FOLDS);
        writeFolds(foldsFile, folds);
        Path plot = s.output.resolve(PLOT);
        LossCurve.writePng(plot, "NEZHA " + s.folds + "-fold cross-validation", "dev " + metric, curves);
        Result result = new Result(metric, foldScores, mean, std, oofMetrics, threshold == null ? null : threshold.threshold(),
                s.output.resolve(SUMMARY), oofFile, foldsFile, plot);
        JsonFiles.write(result.summary(), summary(result, labels, examples.size(), threshold, file.extension()));
        return result;
    }

    /**
     * Classification's threshold search on the out-of-fold predictions: the task deciding by the chosen
     * threshold and the predictions relabelled by it (the same probabilities).
     */
    private record Thresholded<X, M, P>(DecisionThreshold.Choice choice, FinetuneTask<X, M, P> task, List<P> predictions) {
        @SuppressWarnings("unchecked") // X, M, P are ClassificationTask's own: the caller's task is this one
        static <X, M, P> Thresholded<X, M, P> search(ClassificationTask task, List<X> examples, List<P> predictions, List<String> labels) {
            List<Prediction> probabilities = (List<Prediction>) predictions;
            DecisionThreshold.Choice choice = DecisionThreshold.search((List<TaskExample>) examples, probabilities, labels);
            ClassificationTask decider = task.withThreshold(choice.threshold());
            List<Prediction> relabelled = probabilities.stream().map(p -> new Prediction(decider.decide(p.probabilities()), p.probabilities())).toList();
            return new Thresholded<>(choice, (FinetuneTask<X, M, P>) (FinetuneTask<?, ?, ?>) decider, (List<P>) relabelled);
        }
    }

    /** The indices of the examples of {@code fold} ({@code held}: held out) or of the other folds, in file order. */
    private static List<Integer> inFold(int[] folds, int fold, boolean held) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < folds.length; i++) if ((folds[i] == fold) == held) out.add(i);
        return out;
    }

    private static <T> List<T> pick(List<T> items, List<Integer> indices) {
        return indices.stream().map(items::get).toList();
    }

    /**
     * Removes what an earlier run left that this one will not write over: {@code fold-<number>} directories other
     * than this run's {@code fold-1} … {@code fold-K} (a run with more folds) and {@code oof.*} files other than
     * {@code oofName} (another task's predictions), so that the directory describes this run only; nothing else
     * is touched.
     */
    static void removeEarlierRuns(Path output, int folds, String oofName) {
        Set<String> ours = IntStream.rangeClosed(1, folds).mapToObj(n -> "fold-" + n).collect(Collectors.toSet());
        try (Stream<Path> entries = Files.list(output)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (FOLD_DIRECTORY.matcher(name).matches() && !ours.contains(name) && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    FileTrees.deleteRecursively(entry);
                } else if (name.startsWith(OOF + ".") && !name.equals(oofName) && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(entry);
                }
            }
        } catch (IOException e) {
            throw InputException.in(output, "cannot remove an earlier run's folds and predictions: " + IoErrors.reason(e));
        }
    }

    /** {@code example<TAB>fold}: each training example (numbered from 1 in file order, as oof's rows) and the fold that held it out. */
    private static void writeFolds(Path file, int[] folds) {
        StringBuilder text = new StringBuilder("example\tfold\n");
        for (int i = 0; i < folds.length; i++) text.append(i + 1).append('\t').append(folds[i]).append('\n');
        AtomicFiles.writeString(file, text.toString());
    }

    private Map<String, Object> summary(Result r, List<String> labels, int examples, DecisionThreshold.Choice threshold, String extension) {
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
            entry.put("dev", s.output.resolve("fold-" + f.number()).resolve("dev" + extension).toString());
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
        out.put("folds_file", r.foldsFile().toString());
        out.put("plot", r.plot().toString());
        return out;
    }
}
