package org.nezha.core.task.embedding;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.nezha.core.InputException;
import org.nezha.core.config.NezhaConfig;
import org.nezha.core.data.RawTaskFile;
import org.nezha.core.data.SplittableFile;
import org.nezha.core.data.TaskDataReader;
import org.nezha.core.data.TaskExample;
import org.nezha.core.data.TaskKind;
import org.nezha.core.metrics.Correlation;
import org.nezha.core.model.AttentionBackend;
import org.nezha.core.model.EmbeddingObjective;
import org.nezha.core.model.NezhaForSentenceEmbedding;
import org.nezha.core.model.SentencePooling;
import org.nezha.core.model.TaskModel;
import org.nezha.core.task.Ensembling;
import org.nezha.core.task.Feature;
import org.nezha.core.task.FinetuneTask;
import org.nezha.core.task.TaskEnsemble;
import org.nezha.core.tokenizer.BertTokenizer;
import org.nezha.core.tokenizer.Encoding;

/**
 * Sentence embeddings (sentence-transformers' bi-encoder): a text → one unit vector, trained with SimCSE or
 * CoSENT, judged by the Spearman correlation of the cosine of scored pairs with their gold score.
 *
 * <p>Training files hold single texts (unsupervised SimCSE: each text is its own positive under another
 * dropout mask), pairs (supervised SimCSE; a 0/1 label marks the positives; CoSENT: a graded score),
 * or triplets with a hard negative. Dev files are scored pairs. A feature packs its example's texts in
 * one row (see {@link NezhaForSentenceEmbedding}), each cut to the sequence length on its own.
 */
public final class EmbeddingTask implements FinetuneTask<TaskExample, Void, Embedded> {
    public static final String NAME = "embedding";

    private final SentencePooling pooling;
    private final EmbeddingObjective objective;
    private final Double temperature;

    /** Null arguments: the model's recorded choice, else the defaults (mean, simcse, 0.05). */
    public EmbeddingTask(SentencePooling pooling, EmbeddingObjective objective, Double temperature) {
        this.pooling = pooling;
        this.objective = objective;
        this.temperature = temperature;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Refused: vectors of different models live in different spaces, so neither their mean nor a vote is a prediction. */
    @Override
    public TaskEnsemble<TaskExample, Void, Embedded, ?> ensemble(Ensembling ensembling) {
        throw new InputException("ensembles of sentence-embedding models are not supported; their vectors live in different spaces "
                + "(embed with each model and combine the scores, e.g. average the cosine similarities, yourself)");
    }

    /** Every file's rows as they come: one text, a pair or a triplet; the gold score, when there, in label. */
    @Override
    public List<TaskExample> read(Path file, boolean labelled) {
        return TaskDataReader.read(file, TaskKind.TEXTS);
    }

    @Override
    public List<String> labels(List<TaskExample> train) {
        return List.of();
    }

    @Override
    public int minimumSeqLen() {
        return 3; // [CLS] one token [SEP]
    }

    @Override
    public String readingNotes(List<TaskExample> examples) {
        TaskExample first = examples.getFirst();
        return switch (first.textCount()) {
            case 1 -> "single texts";
            case 2 -> first.label() == null ? "pairs" : "pairs with labels";
            default -> "triplets (anchor, positive, hard negative)";
        };
    }

    /** What only a training file must satisfy: its texts and labels fit the objective. */
    @Override
    public void checkTraining(List<TaskExample> train, NezhaConfig config) {
        EmbeddingObjective chosen = objective(config);
        TaskExample first = train.getFirst();
        if (chosen == EmbeddingObjective.COSENT) {
            if (first.textCount() != 2 || first.label() == null) {
                throw InputException.in(first.file(), "--embedding-loss cosent trains on pairs with a graded score (text_a, text_b, label); "
                        + "this file has " + readingNotes(train));
            }
            train.forEach(EmbeddingTask::score);
        } else if (first.label() != null) {
            for (TaskExample e : train) {
                if (!e.label().equals("0") && !e.label().equals("1")) {
                    throw InputException.at(e.file(), e.line(), "label '" + e.label() + "': SimCSE takes 0/1 labels (1: a positive pair); "
                            + "for graded scores use --embedding-loss cosent");
                }
            }
        }
    }

    @Override
    public NezhaConfig configure(NezhaConfig base, List<String> labels) {
        NezhaConfig config = withPooling(base).withArchitectures("NezhaModel")
                .with(EmbeddingObjective.CONFIG_FIELD, objective(base).optionName());
        double t = temperature != null ? temperature : EmbeddingObjective.DEFAULT_TEMPERATURE;
        return config.with(EmbeddingObjective.TEMPERATURE_FIELD, Double.toString(t));
    }

    /** {@code config} with the pooling asked for; a model that records another is an error. */
    private NezhaConfig withPooling(NezhaConfig config) {
        String recorded = config.text(SentencePooling.CONFIG_FIELD);
        if (pooling == null) return recorded != null ? config : config.with(SentencePooling.CONFIG_FIELD, SentencePooling.DEFAULT.optionName());
        if (recorded != null && !recorded.equals(pooling.optionName())) {
            throw new InputException("--pooling " + pooling.optionName() + ": the model was trained with " + recorded
                    + " pooling (its config.json says so); leave --pooling out to use it");
        }
        return config.with(SentencePooling.CONFIG_FIELD, pooling.optionName());
    }

    private EmbeddingObjective objective(NezhaConfig config) {
        if (objective != null) return objective;
        String recorded = config.text(EmbeddingObjective.CONFIG_FIELD);
        EmbeddingObjective named = recorded == null ? null : EmbeddingObjective.named(recorded);
        return named != null ? named : EmbeddingObjective.SIMCSE;
    }

    /**
     * One row per example, its texts back to back, token type = the text's place. A single text is
     * packed twice when trained (SimCSE's two dropout views). Targets: SimCSE 1 for a positive (an unlabelled
     * pair or label 1), {@link TaskModel#IGNORED} for label 0; CoSENT the gold score's rank among the
     * file's scores (CoSENT only compares scores, and ranks keep their order exactly in integers).
     */
    @Override
    public List<Feature<Void>> encode(List<TaskExample> examples, List<String> labels, BertTokenizer tokenizer, int seqLen,
            boolean withTargets) {
        double[] scores = objective == EmbeddingObjective.COSENT && withTargets
                ? examples.stream().mapToDouble(EmbeddingTask::score).toArray() : null;
        double[] distinct = scores == null ? null : Arrays.stream(scores).distinct().sorted().toArray();
        List<Feature<Void>> features = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            TaskExample e = examples.get(i);
            List<String> texts = new ArrayList<>(List.of(e.textA()));
            if (e.textB() != null) texts.add(e.textB());
            if (e.negative() != null) texts.add(e.negative());
            if (texts.size() == 1 && withTargets) texts.add(e.textA());
            long[] targets = !withTargets ? null
                    : scores != null ? new long[] {Arrays.binarySearch(distinct, scores[i])}
                    : new long[] {"0".equals(e.label()) ? TaskModel.IGNORED : 1};
            features.add(pack(i, texts, tokenizer, seqLen, targets));
        }
        return features;
    }

    private static Feature<Void> pack(int example, List<String> texts, BertTokenizer tokenizer, int seqLen, long[] targets) {
        List<int[]> ids = new ArrayList<>(texts.size());
        int length = 0;
        for (String text : texts) {
            Encoding encoding = tokenizer.encode(text, null, seqLen, false);
            ids.add(encoding.inputIds());
            length += encoding.inputIds().length;
        }
        int[] inputIds = new int[length], types = new int[length];
        int at = 0;
        for (int k = 0; k < ids.size(); k++) {
            System.arraycopy(ids.get(k), 0, inputIds, at, ids.get(k).length);
            Arrays.fill(types, at, at + ids.get(k).length, k);
            at += ids.get(k).length;
        }
        return new Feature<>(example, inputIds, types, targets, null);
    }

    @Override
    public TaskModel model(NezhaConfig config, AttentionBackend attention) {
        return new NezhaForSentenceEmbedding(withPooling(config), attention);
    }

    @Override
    public List<Embedded> decode(TaskModel model, List<TaskExample> examples, List<Feature<Void>> features, List<float[]> logits,
            List<String> labels) {
        int hidden = model.config().hiddenSize();
        List<Embedded> out = new ArrayList<>(examples.size());
        for (float[] row : logits) {
            float[][] vectors = new float[row.length / hidden][];
            for (int k = 0; k < vectors.length; k++) vectors[k] = Arrays.copyOfRange(row, k * hidden, (k + 1) * hidden);
            out.add(Embedded.of(vectors));
        }
        return out;
    }

    /** Spearman and Pearson of the pairs' cosine against their gold score (STS-B's metric). */
    @Override
    public Map<String, Object> metrics(List<TaskExample> examples, List<Embedded> predictions, List<String> labels) {
        TaskExample first = examples.getFirst();
        if (first.textCount() != 2 || first.label() == null) {
            throw InputException.in(first.file(), "evaluating embeddings needs scored pairs (text_a, text_b, label: a score or 0/1) "
                    + "to correlate with the cosine; this file has " + readingNotes(examples));
        }
        double[] gold = examples.stream().mapToDouble(EmbeddingTask::score).toArray();
        double[] cosine = predictions.stream().mapToDouble(Embedded::similarity).toArray();
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("spearman", Correlation.spearman(cosine, gold));
        metrics.put("pearson", Correlation.pearson(cosine, gold));
        metrics.put("pairs", examples.size());
        return metrics;
    }

    @Override
    public List<String> selectionMetrics() {
        return List.of("spearman", "pearson");
    }

    /**
     * The Jaccard overlap of the two texts' characters: how far lexical overlap alone goes, the bar an
     * embedding model must clear (a constant has no correlation at all).
     */
    @Override
    public List<Embedded> baseline(List<TaskExample> examples, List<String> labels) {
        return examples.stream().map(e -> new Embedded(new float[0][],
                e.textB() == null ? Double.NaN : characterOverlap(e.textA(), e.textB()), Double.NaN)).toList();
    }

    private static double characterOverlap(String a, String b) {
        Set<Integer> x = new TreeSet<>(), y = new TreeSet<>();
        a.codePoints().filter(c -> !Character.isWhitespace(c)).forEach(x::add);
        b.codePoints().filter(c -> !Character.isWhitespace(c)).forEach(y::add);
        Set<Integer> union = new TreeSet<>(x);
        union.addAll(y);
        x.retainAll(y);
        return union.isEmpty() ? 0 : (double) x.size() / union.size();
    }

    @Override
    public void write(Path out, List<TaskExample> examples, List<Embedded> predictions, List<String> labels) {
        EmbeddingWriter.write(out, examples, predictions);
    }

    @Override
    public String predictionExtension() {
        return ".jsonl";
    }

    @Override
    public SplittableFile splittable(Path file, List<TaskExample> examples) {
        return RawTaskFile.of(file, examples);
    }

    /** The rows' scores (labels) as written, when every row has one: a similarity score or SimCSE's 0/1. */
    @Override
    public List<String> strata(List<TaskExample> examples) {
        return examples.stream().allMatch(e -> e.label() != null) ? examples.stream().map(TaskExample::label).toList() : null;
    }

    private static double score(TaskExample e) {
        if (e.label() == null) throw InputException.at(e.file(), e.line(), "no score (label) for this pair");
        try {
            double value = Double.parseDouble(e.label());
            if (Double.isFinite(value)) return value;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw InputException.at(e.file(), e.line(), "label '" + e.label() + "' is not a number (a similarity score)");
    }
}
