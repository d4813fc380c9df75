package org.nezha.core.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.InputException;
import org.nezha.core.config.NezhaConfig;
import org.nezha.core.data.EncodedPair;
import org.nezha.core.data.LabelSet;
import org.nezha.core.data.PairEncoder;
import org.nezha.core.data.TaskBatch;
import org.nezha.core.data.TaskBatcher;
import org.nezha.core.data.TaskExample;
import org.nezha.core.data.TaskKind;
import org.nezha.core.metrics.ClassificationMetrics;
import org.nezha.core.model.AttentionBackends;
import org.nezha.core.model.ModelDirectory;
import org.nezha.core.model.ModelSize;
import org.nezha.core.model.NezhaForSequenceClassification;
import org.nezha.core.tensor.Tensors;
import org.nezha.core.train.Precision;
import org.nezha.core.tokenizer.BertTokenizer;
import org.nezha.core.tokenizer.Encoding;

/**
 * A fine-tuned classifier with its tokenizer and labels: batched inference (no gradients, dropout
 * off) and scoring against gold labels. The task kind is kept in {@code config.json} as
 * {@value #TASK_FIELD} so eval and predict read files the way fine-tuning did.
 */
public final class SequenceClassifier {
    public static final String TASK_FIELD = "nezha_task";
    /** Tokens per example when neither the caller nor the model directory says (BERT's GLUE default). */
    static final int DEFAULT_SEQ_LEN = 128;

    private final NezhaForSequenceClassification model;
    private final BertTokenizer tokenizer;
    private final LabelSet labels;
    private final TaskKind kind;
    private final Execution execution;

    /** {@code model}'s parameters must already be on {@code execution}'s device. */
    SequenceClassifier(NezhaForSequenceClassification model, BertTokenizer tokenizer, LabelSet labels, TaskKind kind,
            Execution execution) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.labels = labels;
        this.kind = kind;
        this.execution = execution;
    }

    /**
     * Loads a model directory written by fine-tuning (or by HF, given {@code kindOverride}).
     *
     * @param execution the attention backend (null: the config's choice), device and precision
     */
    public static SequenceClassifier load(Path dir, Execution execution, TaskKind kindOverride) {
        ModelDirectory.requireDirectory(dir);
        NezhaConfig config = ModelDirectory.readConfig(dir);
        Path configFile = dir.resolve(ModelDirectory.CONFIG);
        if (config.labels().isEmpty()) {
            throw InputException.in(configFile, "has no id2label: not a fine-tuned classifier (fine-tune it with nezha finetune)");
        }
        TaskKind kind = kindOverride != null ? kindOverride : taskKind(config, configFile);
        BertTokenizer tokenizer = BertTokenizer.fromModelDir(dir);
        ModelChecks.vocabularyFits(tokenizer.vocab(), dir.resolve(ModelDirectory.VOCAB), config, configFile);
        ModelSize.requireFits(config, ModelSize.Head.SEQUENCE_CLASSIFICATION, false, 1, configFile);
        NezhaForSequenceClassification model = new NezhaForSequenceClassification(config,
                AttentionBackends.select(execution.attention(), config));
        var report = ModelDirectory.loadWeights(dir, model);
        if (!report.missing().isEmpty()) {
            throw InputException.in(dir.resolve(ModelDirectory.WEIGHTS), "has no weight " + report.missing().getFirst()
                    + ": not a fine-tuned classifier");
        }
        model.parameters().moveTo(execution.device());
        return new SequenceClassifier(model, tokenizer, LabelSet.of(config.labels()), kind, execution);
    }

    private static TaskKind taskKind(NezhaConfig config, Path configFile) {
        String kind = config.text(TASK_FIELD);
        if (kind == null) throw InputException.in(configFile, "does not say whether the task is pair or single (pass --task)");
        try {
            return TaskKind.valueOf(kind.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw InputException.in(configFile, TASK_FIELD + " \"" + kind + "\" is neither pair nor single");
        }
    }

    public LabelSet labels() {
        return labels;
    }

    public TaskKind kind() {
        return kind;
    }

    public NezhaForSequenceClassification model() {
        return model;
    }

    /**
     * The tokenizer's {@code model_max_length} (nezha finetune records its --seq-len there; a directory
     * from elsewhere may give its model's capacity, HF's truncation length), else 128; never more than
     * the model takes.
     */
    public int defaultSeqLen() {
        Integer recorded = tokenizer.options().modelMaxLength();
        return Math.min(recorded != null ? recorded : DEFAULT_SEQ_LEN, model.config().maxPositionEmbeddings());
    }

    /** Tokenizes pairs (or single texts when b is null) as BERT does: [CLS] a [SEP] b [SEP], longest-first truncation. */
    static PairEncoder pairEncoder(BertTokenizer tokenizer) {
        return (a, b, maxLen) -> {
            Encoding e = tokenizer.encode(a, b, maxLen, false);
            return new EncodedPair(e.inputIds(), e.tokenTypeIds());
        };
    }

    /** [CLS] a [SEP] (b [SEP]) with at least one token of each text. */
    static int minimumSeqLen(TaskKind kind) {
        return kind == TaskKind.PAIR ? 5 : 3;
    }

    /** Predicted label index and class probabilities per example, in input order. */
    public record Predictions(int[] predicted, float[][] probabilities) {}

    public Predictions predict(List<TaskExample> examples, int seqLen, int batchSize, Progress progress) {
        return predict("predict", examples, seqLen, batchSize, progress);
    }

    /** {@code phase}: what the progress bar calls this pass. */
    private Predictions predict(String phase, List<TaskExample> examples, int seqLen, int batchSize, Progress progress) {
        ModelChecks.sequenceLengthFits(seqLen, minimumSeqLen(kind), model.config(), "the model's config.json");
        TaskBatcher batches = TaskBatcher.inOrder(examples, null, pairEncoder(tokenizer), seqLen,
                tokenizer.vocab().padId(), batchSize);
        int[] predicted = new int[examples.size()];
        float[][] probabilities = new float[examples.size()][];
        int numLabels = labels.size();
        progress.begin(phase, examples.size());
        long done = 0;
        for (int i = 0; i < batches.batchesPerEpoch(); i++) {
            try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard();
                    Precision.Region autocast = execution.precision().autocast(execution.device())) {
                TaskBatch batch = batches.batch(0, i);
                BatchTensors inputs = BatchTensors.of(batch.inputs(), execution.device());
                Tensor logits = model.logits(inputs.inputIds(), inputs.tokenTypeIds(), inputs.attentionMask(), false)
                        .to(ScalarType.Float);
                float[] probs = Tensors.toFloats(torch.softmax(logits, -1));
                int[] rows = batch.exampleIndices();
                for (int r = 0; r < rows.length; r++) {
                    float[] p = java.util.Arrays.copyOfRange(probs, r * numLabels, (r + 1) * numLabels);
                    probabilities[rows[r]] = p;
                    predicted[rows[r]] = argmax(p);
                }
                done += rows.length;
            }
            progress.advance(done, "");
        }
        progress.end();
        return new Predictions(predicted, probabilities);
    }

    /** The examples' label indices; an unknown or missing label is an error naming its file and line. */
    public int[] goldLabels(List<TaskExample> examples) {
        int[] gold = new int[examples.size()];
        for (int i = 0; i < gold.length; i++) {
            TaskExample e = examples.get(i);
            gold[i] = labels.index(e.label(), e.file(), e.line());
        }
        return gold;
    }

    /** Scores predicted label indices against gold ones (from {@link #goldLabels}). */
    public ClassificationMetrics score(int[] gold, int[] predicted) {
        return ClassificationMetrics.compute(gold, predicted, labels.size());
    }

    /** Predicts and scores labelled examples (labels are checked before any compute). */
    public ClassificationMetrics evaluate(List<TaskExample> examples, int seqLen, int batchSize, Progress progress) {
        int[] gold = goldLabels(examples);
        return score(gold, predict("eval", examples, seqLen, batchSize, progress).predicted());
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
