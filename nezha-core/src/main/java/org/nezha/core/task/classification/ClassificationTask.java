package org.nezha.core.task.classification;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.nezha.core.InputException;
import org.nezha.core.config.NezhaConfig;
import org.nezha.core.data.LabelSet;
import org.nezha.core.data.RawTaskFile;
import org.nezha.core.data.SplittableFile;
import org.nezha.core.data.TaskDataReader;
import org.nezha.core.data.TaskExample;
import org.nezha.core.data.TaskKind;
import org.nezha.core.metrics.ClassificationMetrics;
import org.nezha.core.model.AttentionBackend;
import org.nezha.core.model.NezhaForSequenceClassification;
import org.nezha.core.model.TaskModel;
import org.nezha.core.task.Ensembling;
import org.nezha.core.task.Feature;
import org.nezha.core.task.FinetuneTask;
import org.nezha.core.tokenizer.BertTokenizer;
import org.nezha.core.tokenizer.Encoding;

/**
 * Sequence classification of sentence pairs (matching, inference: {@code pair}) or single texts
 * (sentiment, topic: {@code single}): TSV or JSON Lines in, one row per example ([CLS] a [SEP] b [SEP],
 * longest-first truncation), HF's NezhaForSequenceClassification, accuracy and F1, CSV out.
 */
public final class ClassificationTask implements FinetuneTask<TaskExample, Void, ClassificationTask.Prediction> {
    /** The field of a binary model's config.json holding its decision threshold on P(label index 1) ({@code --threshold-search}). */
    public static final String THRESHOLD_FIELD = "nezha_threshold";

    /** The predicted label index and the class probabilities of one example. */
    public record Prediction(int label, float[] probabilities) {}

    private final TaskKind kind;
    /** Binary tasks: label index 1 iff its probability is at least this; null: the most probable label. */
    private final Double threshold;

    public ClassificationTask(TaskKind kind) {
        this(kind, null);
    }

    private ClassificationTask(TaskKind kind, Double threshold) {
        this.kind = kind;
        this.threshold = threshold;
    }

    /** This task deciding binary labels by {@code threshold} on P(label index 1). */
    public ClassificationTask withThreshold(double threshold) {
        return new ClassificationTask(kind, threshold);
    }

    /** The decision threshold in use, or null (the most probable label). */
    public Double threshold() {
        return threshold;
    }

    /** A model's stored {@link #THRESHOLD_FIELD}, if any, decides its binary labels. */
    @Override
    public ClassificationTask configuredBy(NezhaConfig saved, Path configFile) {
        String stored = saved.text(THRESHOLD_FIELD);
        if (stored == null) return this;
        double value;
        try {
            value = Double.parseDouble(stored);
        } catch (NumberFormatException e) {
            throw InputException.in(configFile, THRESHOLD_FIELD + " \"" + stored + "\" is not a number");
        }
        if (!(value >= 0 && value <= 1)) throw InputException.in(configFile, THRESHOLD_FIELD + " " + stored + " is not a probability in [0, 1]");
        if (saved.labels().size() != 2) {
            throw InputException.in(configFile, "has " + THRESHOLD_FIELD + " but " + saved.labels().size() + " labels: a threshold is for two labels");
        }
        return withThreshold(value);
    }

    /** The label index these class probabilities give: by the threshold when one is set, else the most probable. */
    public int decide(float[] probabilities) {
        return threshold != null && probabilities.length == 2 ? (probabilities[1] >= threshold ? 1 : 0) : argmax(probabilities);
    }

    /** {@link ProbabilityEnsemble}: mean, weighted mean or vote of the members' class probabilities. */
    @Override
    public ProbabilityEnsemble ensemble(Ensembling ensembling) {
        return new ProbabilityEnsemble(ensembling, threshold == null ? this : new ClassificationTask(kind));
    }

    public TaskKind kind() {
        return kind;
    }

    @Override
    public String name() {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public List<TaskExample> read(Path file, boolean labelled) {
        return TaskDataReader.read(file, kind);
    }

    @Override
    public List<String> labels(List<TaskExample> train) {
        return LabelSet.fromExamples(train).labels();
    }

    /** [CLS] a [SEP] (b [SEP]) with at least one token of each text. */
    @Override
    public int minimumSeqLen() {
        return kind == TaskKind.PAIR ? 5 : 3;
    }

    @Override
    public NezhaConfig configure(NezhaConfig base, List<String> labels) {
        return base.withLabels(labels).withArchitectures("NezhaForSequenceClassification");
    }

    @Override
    public List<Feature<Void>> encode(List<TaskExample> examples, List<String> labels, BertTokenizer tokenizer, int seqLen,
            boolean withTargets) {
        LabelSet labelSet = LabelSet.of(labels);
        List<Feature<Void>> features = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            TaskExample e = examples.get(i);
            // label lookups run in file order, so the first unknown label is the one reported
            long[] targets = withTargets ? new long[] {labelSet.index(e.label(), e.file(), e.line())} : null;
            Encoding encoding = tokenizer.encode(e.textA(), e.textB(), seqLen, false);
            features.add(new Feature<>(i, encoding.inputIds(), encoding.tokenTypeIds(), targets, null));
        }
        return features;
    }

    @Override
    public TaskModel model(NezhaConfig config, AttentionBackend attention) {
        return new NezhaForSequenceClassification(config, attention);
    }

    @Override
    public List<Prediction> decode(TaskModel model, List<TaskExample> examples, List<Feature<Void>> features, List<float[]> logits,
            List<String> labels) {
        List<Prediction> out = new ArrayList<>(examples.size());
        for (float[] row : logits) {
            float[] probabilities = softmax(row);
            out.add(new Prediction(decide(probabilities), probabilities));
        }
        return out;
    }

    @Override
    public Map<String, Object> metrics(List<TaskExample> examples, List<Prediction> predictions, List<String> labels) {
        LabelSet labelSet = LabelSet.of(labels);
        int[] gold = new int[examples.size()], predicted = new int[examples.size()];
        for (int i = 0; i < gold.length; i++) {
            TaskExample e = examples.get(i);
            gold[i] = labelSet.index(e.label(), e.file(), e.line());
            predicted[i] = predictions.get(i).label();
        }
        Map<String, Object> metrics = ClassificationMetrics.compute(gold, predicted, labels.size()).toMap(labels);
        if (threshold != null) metrics.put("threshold", threshold); // which decision rule these scores are of
        return metrics;
    }

    @Override
    public List<String> selectionMetrics() {
        return List.of("accuracy", "macro_f1", "positive_f1");
    }

    /** Always the most frequent label of the examples: the bar a useful classifier must clear. */
    @Override
    public List<Prediction> baseline(List<TaskExample> examples, List<String> labels) {
        LabelSet labelSet = LabelSet.of(labels);
        int[] counts = new int[labels.size()];
        for (TaskExample e : examples) counts[labelSet.index(e.label(), e.file(), e.line())]++;
        int majority = argmax(counts);
        float[] certain = new float[labels.size()];
        certain[majority] = 1;
        return examples.stream().map(e -> new Prediction(majority, certain)).toList();
    }

    @Override
    public void write(Path out, List<TaskExample> examples, List<Prediction> predictions, List<String> labels) {
        PredictionCsv.write(out, examples, predictions, labels);
    }

    @Override
    public String predictionExtension() {
        return ".csv";
    }

    /** {@code id,fold,gold,label,prob_<label>…}: {@link PredictionCsv#writeOutOfFold}. */
    @Override
    public void writeOutOfFold(Path out, List<TaskExample> examples, int[] folds, List<Prediction> predictions, List<String> labels) {
        PredictionCsv.writeOutOfFold(out, examples, folds, predictions, labels);
    }

    @Override
    public SplittableFile splittable(Path file, List<TaskExample> examples) {
        return RawTaskFile.of(file, examples);
    }

    /** The class labels. */
    @Override
    public List<String> strata(List<TaskExample> examples) {
        return examples.stream().map(TaskExample::label).toList();
    }

    private static float[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double sum = 0;
        double[] e = new double[logits.length];
        for (int i = 0; i < e.length; i++) sum += e[i] = Math.exp(logits[i] - max);
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) p[i] = (float) (e[i] / sum);
        return p;
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    private static int argmax(int[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
