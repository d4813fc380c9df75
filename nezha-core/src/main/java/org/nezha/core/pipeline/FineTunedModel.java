package org.nezha.core.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.nezha.core.InputException;
import org.nezha.core.config.NezhaConfig;
import org.nezha.core.model.AttentionBackends;
import org.nezha.core.model.ModelDirectory;
import org.nezha.core.model.ModelSize;
import org.nezha.core.model.TaskModel;
import org.nezha.core.task.Feature;
import org.nezha.core.task.FinetuneTask;
import org.nezha.core.task.TaskOptions;
import org.nezha.core.task.Tasks;
import org.nezha.core.tokenizer.BertTokenizer;

/**
 * A fine-tuned model directory with its task, tokenizer and labels, for {@code eval} and {@code
 * predict}: reads a file the way fine-tuning did, runs the model (no gradients, dropout off) and
 * decodes, scores or writes the predictions with the task's own parts.
 */
public final class FineTunedModel<X, M, P> {
    private final FinetuneTask<X, M, P> task;
    private final TaskModel model;
    private final BertTokenizer tokenizer;
    private final List<String> labels;
    private final Execution execution;

    private FineTunedModel(FinetuneTask<X, M, P> task, TaskModel model, BertTokenizer tokenizer, List<String> labels, Execution execution) {
        this.task = task;
        this.model = model;
        this.tokenizer = tokenizer;
        this.labels = labels;
        this.execution = execution;
    }

    /** The examples of a file and the model's prediction for each, in file order. */
    public record Predicted<X, P>(List<X> examples, List<P> predictions) {}

    /**
     * Loads a directory written by fine-tuning (or by HF, given {@code taskName}).
     *
     * @param taskName null: the task recorded in the directory's config.json
     * @param execution the attention backend (null: the config's choice), device and precision
     */
    public static FineTunedModel<?, ?, ?> load(Path dir, Execution execution, String taskName, TaskOptions options) {
        NezhaConfig config = ModelDirectory.readConfig(dir);
        Path configFile = dir.resolve(ModelDirectory.CONFIG);
        String name = taskName != null ? taskName : config.text(Tasks.CONFIG_FIELD);
        if (name == null) {
            throw InputException.in(configFile, config.labels().isEmpty()
                    ? "has no id2label and no " + Tasks.CONFIG_FIELD + ": not a fine-tuned model (fine-tune it with nezha finetune)"
                    : "does not say which task the model was fine-tuned for (pass --task)");
        }
        FinetuneTask<?, ?, ?> task = Tasks.create(name, options, taskName != null ? "--task" : configFile.toString());
        return load(task, dir, config, execution);
    }

    /** Loads a directory as a model for {@code task}, whatever task its config.json records. */
    public static <X, M, P> FineTunedModel<X, M, P> load(FinetuneTask<X, M, P> task, Path dir, Execution execution) {
        return load(task, dir, ModelDirectory.readConfig(dir), execution);
    }

    private static <X, M, P> FineTunedModel<X, M, P> load(FinetuneTask<X, M, P> generic, Path dir, NezhaConfig config, Execution execution) {
        Path configFile = dir.resolve(ModelDirectory.CONFIG);
        FinetuneTask<X, M, P> task = generic.configuredBy(config, configFile);
        BertTokenizer tokenizer = BertTokenizer.fromModelDir(dir);
        ModelChecks.vocabularyFits(tokenizer.vocab(), dir.resolve(ModelDirectory.VOCAB), config, configFile);
        ModelSize.requireFits(config, ModelSize.Head.SEQUENCE_CLASSIFICATION, false, 1, configFile);
        TaskModel model;
        try {
            model = task.model(config, AttentionBackends.select(execution.attention(), config));
        } catch (IllegalArgumentException e) {
            throw InputException.in(configFile, e.getMessage() + ": not a model fine-tuned for " + task.name());
        }
        var report = ModelDirectory.loadWeights(dir, model);
        if (!report.missing().isEmpty()) {
            throw InputException.in(dir.resolve(ModelDirectory.WEIGHTS), "has no weight " + report.missing().getFirst()
                    + ": not a model fine-tuned for " + task.name());
        }
        model.parameters().moveTo(execution.device());
        return new FineTunedModel<>(task, model, tokenizer, config.labels(), execution);
    }

    public FinetuneTask<X, M, P> task() {
        return task;
    }

    public List<String> labels() {
        return labels;
    }

    /** The config the model was built with (the directory's, with the task's options applied). */
    public NezhaConfig config() {
        return model.config();
    }

    /**
     * The tokenizer's {@code model_max_length} (nezha finetune records its --seq-len there; a directory
     * from elsewhere may give its model's capacity, HF's truncation length), else the task's default;
     * never more than the model takes.
     */
    public int defaultSeqLen() {
        Integer recorded = tokenizer.options().modelMaxLength();
        return Math.min(recorded != null ? recorded : task.defaultSeqLen(), model.config().maxPositionEmbeddings());
    }

    /** Reads {@code file} ({@code labelled}: its gold answers are required) and predicts every example. */
    public Predicted<X, P> predict(Path file, boolean labelled, int seqLen, int batchSize, String phase, Progress progress) {
        ModelChecks.sequenceLengthFits(seqLen, task.minimumSeqLen(), model.config(), "the model's config.json"); // before reading
        return predict(task.read(file, labelled), labelled, seqLen, batchSize, true, phase, progress);
    }

    /**
     * Predicts examples already in memory ({@code labelled}: encoded with their gold answers);
     * {@code lengthSorted}: batches by length (false only to measure what that saves).
     */
    public Predicted<X, P> predict(List<X> examples, boolean labelled, int seqLen, int batchSize, boolean lengthSorted, String phase,
            Progress progress) {
        return new Predicted<>(examples, predict(examples, labelled, seqLen, batchSize, lengthSorted, phase, progress, FinetuneTask::decode));
    }

    /** What is made of a model's outputs: {@link FinetuneTask#decode}'s arguments, with the task as the model's config set it up. */
    @FunctionalInterface
    public interface Decoding<X, M, P, R> {
        R decode(FinetuneTask<X, M, P> task, TaskModel model, List<X> examples, List<Feature<M>> features, List<float[]> logits,
                List<String> labels);
    }

    /**
     * Runs the model over unlabelled examples in memory (batched by length) and hands its outputs to {@code
     * decoding} instead of the task's decoder (e.g. an ensemble member's view of them).
     */
    public <R> R predict(List<X> examples, int seqLen, int batchSize, String phase, Progress progress, Decoding<X, M, P, R> decoding) {
        return predict(examples, false, seqLen, batchSize, true, phase, progress, decoding);
    }

    private <R> R predict(List<X> examples, boolean labelled, int seqLen, int batchSize, boolean lengthSorted, String phase, Progress progress,
            Decoding<X, M, P, R> decoding) {
        ModelChecks.sequenceLengthFits(seqLen, task.minimumSeqLen(), model.config(), "the model's config.json");
        List<Feature<M>> features = task.encode(examples, labels, tokenizer, seqLen, labelled);
        List<float[]> logits = TaskInference.logits(model, features, tokenizer.vocab().padId(), batchSize, lengthSorted, execution, phase,
                progress);
        return decoding.decode(task, model, examples, features, logits, labels);
    }

    /** The task's metrics of a labelled file. */
    public Map<String, Object> evaluate(Path file, int seqLen, int batchSize, Progress progress) {
        Predicted<X, P> predicted = predict(file, true, seqLen, batchSize, "eval", progress);
        return task.metrics(predicted.examples(), predicted.predictions(), labels);
    }

    /** Writes predictions in the task's output format. */
    public void write(Path out, Predicted<X, P> predicted) {
        task.write(out, predicted.examples(), predicted.predictions(), labels);
    }
}
