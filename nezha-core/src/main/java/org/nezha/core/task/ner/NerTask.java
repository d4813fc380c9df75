package org.nezha.core.task.ner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.data.RawTaskFile;
import org.nezha.core.data.SplittableFile;
import org.nezha.core.model.AttentionBackend;
import org.nezha.core.model.CrfScores;
import org.nezha.core.model.NezhaForTokenClassification;
import org.nezha.core.model.TaskModel;
import org.nezha.core.task.Ensembling;
import org.nezha.core.task.Feature;
import org.nezha.core.task.FinetuneTask;
import org.nezha.core.tokenizer.BertTokenizer;

/**
 * Named-entity recognition ({@code --task ner}) as HF's run_ner with seqeval's scores: column files (BIO,
 * BIOES, BMES) or JSON Lines with entity offsets in, one tag per word (character) predicted by
 * {@link NezhaForTokenClassification} (optionally with a CRF), entities and tags out as JSON Lines.
 */
public final class NerTask implements FinetuneTask<NerExample, TagWindow, NerPrediction> {
    public static final String NAME = "ner";

    private final TagScheme forced;
    private final boolean crf;

    /** Scheme from the training tags (BIO for JSON Lines); a CRF only when the model's config has one. */
    public NerTask() {
        this(null, false);
    }

    /**
     * @param forced the scheme the model tags in whatever the training files use (their entities are rewritten
     *     into it), or null to take the training files' own (BIO for JSON Lines)
     * @param crf give a new model a CRF ({@code use_crf} in its config); a config that has one keeps it either way
     */
    public NerTask(TagScheme forced, boolean crf) {
        this.forced = forced;
        this.crf = crf;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<NerExample> read(Path file, boolean labelled) {
        return NerReader.read(file, labelled);
    }

    /** How many tags of {@code examples} broke their scheme and were read as seqeval reads them (for a warning). */
    public static int repairedTags(List<NerExample> examples) {
        return examples.stream().mapToInt(NerExample::repairedTags).sum();
    }

    /** {@code O}, then every tag of the scheme for each entity type of the training data (types sorted). */
    @Override
    public List<String> labels(List<NerExample> train) {
        TagScheme scheme = forced;
        for (NerExample e : train) {
            if (!e.labelled()) throw new IllegalArgumentException("training examples need their labels");
            if (scheme == null) scheme = e.scheme();
        }
        return TagSet.covering(scheme == null ? TagScheme.BIO : scheme, train).labels();
    }

    /** [CLS] word [SEP]. */
    @Override
    public int minimumSeqLen() {
        return 3;
    }

    /** HF's NezhaForTokenClassification with the tags as id2label, and {@code use_crf} when this task adds a CRF. */
    @Override
    public NezhaConfig configure(NezhaConfig base, List<String> labels) {
        NezhaConfig config = base.withLabels(labels).withArchitectures("NezhaForTokenClassification");
        return crf ? config.withCrf(true) : config;
    }

    @Override
    public String readingNotes(List<NerExample> examples) {
        int repaired = repairedTags(examples);
        return repaired == 0 ? null : repaired + " tags broke their tag scheme (e.g. I- without B-) and were read as seqeval reads them";
    }

    @Override
    public List<Feature<TagWindow>> encode(List<NerExample> examples, List<String> labels, BertTokenizer tokenizer, int seqLen,
            boolean withTargets) {
        return new NerEncoder(tokenizer, seqLen).encode(examples, withTargets ? new TagSet(labels) : null);
    }

    @Override
    public TaskModel model(NezhaConfig config, AttentionBackend attention) {
        return new NezhaForTokenClassification(crf ? config.withCrf(true) : config, attention);
    }

    /** A CRF model decodes with its learned transitions (Viterbi), any other with the scheme's constraints alone. */
    @Override
    public List<NerPrediction> decode(TaskModel model, List<NerExample> examples, List<Feature<TagWindow>> features, List<float[]> logits,
            List<String> labels) {
        TagSet tags = new TagSet(labels);
        CrfScores scores = model instanceof NezhaForTokenClassification tagger ? tagger.crfScores() : null;
        if (scores != null && scores.start().length != tags.size()) {
            throw new IllegalStateException("the model has " + scores.start().length + " tags, the labels " + tags.size());
        }
        TagDecoder decoder = new TagDecoder(tags, scores);
        List<NerPrediction> predictions = new ArrayList<>(examples.size());
        List<List<Integer>> rowsOf = rowsOf(examples.size(), features);
        for (int e = 0; e < examples.size(); e++) {
            List<Integer> rows = rowsOf.get(e);
            List<String> predicted = decoder.decode(examples.get(e).length(), rows.stream().map(features::get).toList(),
                    rows.stream().map(logits::get).toList());
            predictions.add(NerPrediction.of(examples.get(e), predicted));
        }
        return predictions;
    }

    /** The indices of each example's features (rows), in feature order. */
    static List<List<Integer>> rowsOf(int examples, List<Feature<TagWindow>> features) {
        List<List<Integer>> rowsOf = new ArrayList<>();
        for (int e = 0; e < examples; e++) rowsOf.add(new ArrayList<>());
        for (int f = 0; f < features.size(); f++) rowsOf.get(features.get(f).example()).add(f);
        return rowsOf;
    }

    /** {@link NerEnsemble}: entity votes (vote, weighted), or the mean of per-word tag distributions (mean). */
    @Override
    public NerEnsemble ensemble(Ensembling ensembling) {
        return new NerEnsemble(ensembling);
    }

    @Override
    public Map<String, Object> metrics(List<NerExample> examples, List<NerPrediction> predictions, List<String> labels) {
        TagSet tags = new TagSet(labels);
        return NerMetrics.of(examples.stream().map(tags::goldTags).toList(), predictions.stream().map(NerPrediction::tags).toList());
    }

    /** Every character tagged O: no entity found, F1 0, the token accuracy of the O share. */
    @Override
    public List<NerPrediction> baseline(List<NerExample> examples, List<String> labels) {
        return examples.stream().map(e -> NerPrediction.of(e, java.util.Collections.nCopies(e.length(), "O"))).toList();
    }

    @Override
    public List<String> selectionMetrics() {
        return List.of("f1", "precision", "recall", "token_accuracy");
    }

    @Override
    public void write(Path out, List<NerExample> examples, List<NerPrediction> predictions, List<String> labels) {
        NerWriter.write(out, examples, predictions);
    }

    @Override
    public String predictionExtension() {
        return ".jsonl";
    }

    /** A column file's sentences are blocks of lines (one per word), a JSON Lines file's are lines. */
    @Override
    public SplittableFile splittable(Path file, List<NerExample> examples) {
        long[] lines = examples.stream().mapToLong(NerExample::line).toArray();
        if (examples.stream().noneMatch(NerExample::linePerWord)) return RawTaskFile.linePerExample(file, lines, true);
        return RawTaskFile.blocks(file, lines, examples.stream().mapToInt(NerExample::length).toArray());
    }
}
