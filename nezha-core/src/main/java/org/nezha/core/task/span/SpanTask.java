package org.nezha.core.task.span;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.data.SplittableFile;
import org.nezha.core.model.AttentionBackend;
import org.nezha.core.model.NezhaForQuestionAnswering;
import org.nezha.core.model.TaskModel;
import org.nezha.core.task.Ensembling;
import org.nezha.core.task.Feature;
import org.nezha.core.task.FinetuneTask;
import org.nezha.core.tokenizer.BertTokenizer;

/**
 * Extractive reading comprehension ({@code --task span}), SQuAD v1.1 style as CMRC 2018: a question
 * on a passage is answered by a span of the passage. Reads SQuAD JSON ({@link SquadReader}), cuts long
 * passages into windows ({@link SpanEncoder}), trains {@link NezhaForQuestionAnswering}, picks the best
 * span over the windows ({@link SpanDecoder}), scores with CMRC 2018's official F1 and EM
 * ({@link CmrcMetric}) and writes {@code {"id": "answer", …}} ({@link SpanPredictionWriter}).
 */
public final class SpanTask implements FinetuneTask<SpanExample, SpanMapping, SpanPrediction> {
    public static final String NAME = "span";

    private final SpanOptions options;
    private final SpanEncoder encoder;
    private final SpanDecoder decoder;

    public SpanTask(SpanOptions options) {
        this.options = options;
        this.encoder = new SpanEncoder(options);
        this.decoder = new SpanDecoder(options);
    }

    /** With {@link SpanOptions#DEFAULTS}. */
    public SpanTask() {
        this(SpanOptions.DEFAULTS);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<SpanExample> read(Path file, boolean labelled) {
        return SquadReader.read(file, labelled);
    }

    /** None: the head scores positions, not labels. */
    @Override
    public List<String> labels(List<SpanExample> train) {
        return List.of();
    }

    /** [CLS] question [SEP] context [SEP] with the whole question and windows that overlap by the doc stride. */
    @Override
    public int minimumSeqLen() {
        return 3 + options.maxQueryLength() + options.docStride() + 1;
    }

    /** HF run_qa.py's --max_seq_length. */
    @Override
    public int defaultSeqLen() {
        return 384;
    }

    /** HF's NezhaForQuestionAnswering, whose qa_outputs has num_labels (2) rows: start and end. */
    @Override
    public NezhaConfig configure(NezhaConfig base, List<String> labels) {
        return base.withLabels(List.of("LABEL_0", "LABEL_1")).withArchitectures("NezhaForQuestionAnswering");
    }

    @Override
    public String readingNotes(List<SpanExample> examples) {
        long repaired = examples.stream().flatMap(e -> e.answers().stream()).filter(SpanExample.Answer::repaired).count();
        return repaired == 0 ? null
                : repaired + " answers' answer_start did not point at their text; the nearest occurrence of the text was taken";
    }

    @Override
    public List<Feature<SpanMapping>> encode(List<SpanExample> examples, List<String> labels, BertTokenizer tokenizer, int seqLen,
            boolean withTargets) {
        return encoder.encode(examples, tokenizer, seqLen, withTargets);
    }

    @Override
    public TaskModel model(NezhaConfig config, AttentionBackend attention) {
        return new NezhaForQuestionAnswering(config, attention);
    }

    @Override
    public List<SpanPrediction> decode(TaskModel model, List<SpanExample> examples, List<Feature<SpanMapping>> features, List<float[]> logits,
            List<String> labels) {
        return decoder.decode(examples, features, logits);
    }

    /** {@link SpanEnsemble}: the members' n-best answers, their probabilities summed per span (mean, weighted) or their answers' votes (vote). */
    @Override
    public SpanEnsemble ensemble(Ensembling ensembling) {
        return new SpanEnsemble(ensembling, decoder);
    }

    /** {"f1", "em", "average", "total"}: CMRC 2018's official F1, EM and their average, in percent, and the questions scored. */
    @Override
    public Map<String, Object> metrics(List<SpanExample> examples, List<SpanPrediction> predictions, List<String> labels) {
        return CmrcMetric.score(examples, predictions);
    }

    /** An empty answer to every question: EM and F1 0. */
    @Override
    public List<SpanPrediction> baseline(List<SpanExample> examples, List<String> labels) {
        return examples.stream().map(e -> SpanPrediction.NONE).toList();
    }

    @Override
    public List<String> selectionMetrics() {
        return List.of("f1", "em");
    }

    @Override
    public void write(Path out, List<SpanExample> examples, List<SpanPrediction> predictions, List<String> labels) {
        SpanPredictionWriter.write(out, examples, predictions);
    }

    @Override
    public String predictionExtension() {
        return ".json";
    }

    @Override
    public SplittableFile splittable(Path file, List<SpanExample> examples) {
        return SquadFile.read(file, examples);
    }
}
