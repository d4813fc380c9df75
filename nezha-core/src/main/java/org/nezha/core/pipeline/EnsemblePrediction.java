package org.nezha.core.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToIntFunction;

import org.nezha.core.InputException;
import org.nezha.core.config.NezhaConfig;
import org.nezha.core.data.TaskExample;
import org.nezha.core.model.ModelDirectory;
import org.nezha.core.task.TaskOptions;
import org.nezha.core.task.Tasks;
import org.nezha.core.task.classification.ClassificationTask;
import org.nezha.core.task.classification.ClassificationTask.Prediction;
import org.nezha.core.task.classification.ProbabilityEnsemble;

/**
 * {@code nezha ensemble}: fine-tuned classifiers of the same task and labels (cross-validation folds,
 * other architectures) predict one input, each in one pass, and {@link ProbabilityEnsemble} combines
 * them. The combined labels use the members' threshold when they all store the same one (folds of one
 * {@code cv --threshold-search}), else the most probable label.
 */
public final class EnsemblePrediction {
    private EnsemblePrediction() {}

    /** What the ensemble wrote. */
    public record Result(int examples, int members, String task) {}

    /** @param seqLen of each model: tokens per row (e.g. {@code --seq-len}, else what the model records) */
    public static Result predict(List<Path> models, Path input, Path output, ProbabilityEnsemble ensemble, Execution execution,
            ToIntFunction<FineTunedModel<?, ?, ?>> seqLen, int batchSize, Progress progress) {
        if (models.isEmpty()) throw new InputException("--models: give at least one model directory");
        ClassificationTask task = commonTask(models);
        List<TaskExample> examples = task.read(input, false);
        List<List<Prediction>> members = new ArrayList<>();
        List<Double> thresholds = new ArrayList<>();
        List<String> labels = null;
        for (int m = 0; m < models.size(); m++) { // one model in memory at a time
            FineTunedModel<TaskExample, Void, Prediction> model = FineTunedModel.load(task, models.get(m), execution);
            labels = model.labels();
            thresholds.add(((ClassificationTask) model.task()).threshold());
            members.add(model.predict(examples, false, seqLen.applyAsInt(model), batchSize, true,
                    "model " + (m + 1) + "/" + models.size(), progress).predictions());
        }
        boolean sharedThreshold = thresholds.getFirst() != null && thresholds.stream().allMatch(t -> Objects.equals(t, thresholds.getFirst()));
        ClassificationTask decider = sharedThreshold ? task.withThreshold(thresholds.getFirst()) : task;
        decider.write(output, examples, ensemble.combine(members, decider), labels);
        return new Result(examples.size(), models.size(), task.name());
    }

    /** The task all members were fine-tuned for, with the same labels; the first mismatch is the error. */
    private static ClassificationTask commonTask(List<Path> models) {
        NezhaConfig first = null;
        String firstTask = null;
        for (Path dir : models) {
            NezhaConfig config = ModelDirectory.readConfig(dir);
            String task = config.text(Tasks.CONFIG_FIELD);
            if (first == null) {
                first = config;
                firstTask = task;
                if (!"pair".equals(task) && !"single".equals(task)) {
                    throw InputException.in(dir, "ensembles combine classifiers (pair, single); this model is "
                            + (task == null ? "not a fine-tuned one" : "a " + task + " model"));
                }
            } else if (!firstTask.equals(task)) {
                throw InputException.in(dir, "a " + task + " model, but " + models.getFirst() + " is a " + firstTask + " model: "
                        + "ensemble members must share their task");
            } else if (!first.labels().equals(config.labels())) {
                throw InputException.in(dir, "labels " + config.labels() + ", but " + models.getFirst() + " has " + first.labels()
                        + ": ensemble members must share their labels, in the same order");
            }
        }
        return (ClassificationTask) Tasks.create(firstTask, TaskOptions.DEFAULTS, models.getFirst().resolve(ModelDirectory.CONFIG).toString());
    }
}
