package org.nezha.core.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

import org.nezha.core.InputException;
import org.nezha.core.config.NezhaConfig;
import org.nezha.core.io.OutputPaths;
import org.nezha.core.model.ModelDirectory;
import org.nezha.core.task.Ensembling;
import org.nezha.core.task.FinetuneTask;
import org.nezha.core.task.TaskEnsemble;
import org.nezha.core.task.TaskOptions;
import org.nezha.core.task.Tasks;

/**
 * {@code nezha ensemble}: fine-tuned models of the same task and labels (cross-validation folds, other
 * architectures) predict one input, each in one pass and one in memory at a time, and the task's own
 * {@link TaskEnsemble} ({@link FinetuneTask#ensemble}) combines what they make of it; the task's writer
 * writes the result as {@code predict} would.
 */
public final class EnsemblePrediction {
    private EnsemblePrediction() {}

    /** What the ensemble wrote. */
    public record Result(int examples, int members, String task) {}

    /**
     * @param options the task's options (e.g. span's windows), the same for every member
     * @param seqLen of each model: tokens per row (e.g. {@code --seq-len}, else what the model records)
     */
    public static Result predict(List<Path> models, Path input, Path output, Ensembling ensembling, TaskOptions options, Execution execution,
            ToIntFunction<FineTunedModel<?, ?, ?>> seqLen, int batchSize, Progress progress) {
        if (models.isEmpty()) throw new InputException("--models: give at least one model directory");
        if (ensembling.members() != models.size()) throw new IllegalArgumentException(ensembling.members() + " weights for " + models.size() + " models");
        List<NezhaConfig> configs = models.stream().map(ModelDirectory::readConfig).toList();
        FinetuneTask<?, ?, ?> task = commonTask(models, configs, options);
        return run(task, models, configs, input, output, ensembling, execution, seqLen, batchSize, progress);
    }

    private static <X, M, P> Result run(FinetuneTask<X, M, P> task, List<Path> models, List<NezhaConfig> configs, Path input, Path output,
            Ensembling ensembling, Execution execution, ToIntFunction<FineTunedModel<?, ?, ?>> seqLen, int batchSize, Progress progress) {
        TaskEnsemble<X, M, P, ?> ensemble;
        try {
            ensemble = task.ensemble(ensembling);
        } catch (InputException e) {
            throw InputException.in(models.getFirst(), e.getMessage());
        }
        return run(task, ensemble, models, configs, input, output, execution, seqLen, batchSize, progress);
    }

    private static <X, M, P, V> Result run(FinetuneTask<X, M, P> task, TaskEnsemble<X, M, P, V> ensemble, List<Path> models,
            List<NezhaConfig> configs, Path input, Path output, Execution execution, ToIntFunction<FineTunedModel<?, ?, ?>> seqLen,
            int batchSize, Progress progress) {
        for (int m = 0; m < models.size(); m++) ensemble.admit(configs.get(m), models.get(m)); // before any work
        List<X> examples = task.read(input, false);
        List<V> members = new ArrayList<>();
        List<String> labels = null;
        for (int m = 0; m < models.size(); m++) { // one model in memory at a time
            FineTunedModel<X, M, P> model = FineTunedModel.load(task, models.get(m), execution);
            labels = model.labels();
            members.add(model.predict(examples, seqLen.applyAsInt(model), batchSize, "model " + (m + 1) + "/" + models.size(), progress,
                    ensemble::member));
        }
        List<P> combined = ensemble.combine(examples, members, labels);
        OutputPaths.createDirectory(output.toAbsolutePath().getParent()); // as predict: every task's writer needs it there
        task.write(output, examples, combined, labels);
        return new Result(examples.size(), models.size(), task.name());
    }

    /** The task all members were fine-tuned for, with the same labels; the first mismatch is the error. */
    private static FinetuneTask<?, ?, ?> commonTask(List<Path> models, List<NezhaConfig> configs, TaskOptions options) {
        NezhaConfig first = configs.getFirst();
        String firstTask = first.text(Tasks.CONFIG_FIELD);
        if (firstTask == null) throw InputException.in(models.getFirst(), "ensembles combine fine-tuned models; this model is not a fine-tuned one");
        for (int m = 1; m < models.size(); m++) {
            Path dir = models.get(m);
            NezhaConfig config = configs.get(m);
            String task = config.text(Tasks.CONFIG_FIELD);
            if (!firstTask.equals(task)) {
                throw InputException.in(dir, (task == null ? "not a fine-tuned model" : "a " + task + " model") + ", but " + models.getFirst()
                        + " is a " + firstTask + " model: ensemble members must share their task");
            } else if (!first.labels().equals(config.labels())) {
                throw InputException.in(dir, "labels " + config.labels() + ", but " + models.getFirst() + " has " + first.labels()
                        + ": ensemble members must share their labels, in the same order");
            }
        }
        return Tasks.create(firstTask, options, models.getFirst().resolve(ModelDirectory.CONFIG).toString());
    }
}
