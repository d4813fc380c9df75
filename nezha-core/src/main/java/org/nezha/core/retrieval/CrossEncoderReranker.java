package org.nezha.core.retrieval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.nezha.core.InputException;
import org.nezha.core.OptionChecks;
import org.nezha.core.data.TaskExample;
import org.nezha.core.data.TaskKind;
import org.nezha.core.pipeline.FineTunedModel;
import org.nezha.core.pipeline.Progress;
import org.nezha.core.task.classification.ClassificationTask;

/**
 * Reranks search results with a cross-encoder: a sentence-pair classifier (nezha finetune --task pair) reads
 * each query with each of its first N hits' text ([CLS] query [SEP] hit [SEP]) and scores the pair with the
 * probability of its positive label. Those N hits are reordered by that score (ties keep their order), the
 * ones below an optional threshold are dropped and the hits beyond N are dropped too: what a reranker has not
 * read it cannot place. Each kept hit's first-stage score becomes its {@code retrievalScore} (one it has
 * already, from an earlier reranking, is kept).
 */
public final class CrossEncoderReranker {
    /** The positive label when none is given and the model has it: AFQMC's, LCQMC's, … "these match". */
    public static final String DEFAULT_POSITIVE_LABEL = "1";

    private final FineTunedModel<TaskExample, Void, ClassificationTask.Prediction> model;
    private final int positiveIndex;

    private CrossEncoderReranker(FineTunedModel<TaskExample, Void, ClassificationTask.Prediction> model, int positiveIndex) {
        this.model = model;
        this.positiveIndex = positiveIndex;
    }

    /** What a reranking made and what it dropped. */
    public record Result(List<SearchResults.QueryHits> results, int pairsScored, int hitsBeyondTopN, int hitsBelowThreshold) {}

    /**
     * @param modelDir      where {@code model} was loaded from, for messages
     * @param positiveLabel the label whose probability scores a pair; null: {@value #DEFAULT_POSITIVE_LABEL}
     */
    @SuppressWarnings("unchecked") // a pair ClassificationTask's model reads TaskExamples and predicts Predictions
    public static CrossEncoderReranker of(FineTunedModel<?, ?, ?> model, String positiveLabel, Path modelDir) {
        if (!(model.task() instanceof ClassificationTask c && c.kind() == TaskKind.PAIR)) {
            throw InputException.in(modelDir, "is a model for " + model.task().name()
                    + ", not a sentence-pair classifier (fine-tune one with nezha finetune --task pair)");
        }
        String label = positiveLabel != null ? positiveLabel : DEFAULT_POSITIVE_LABEL;
        int index = model.labels().indexOf(label);
        if (index < 0) {
            throw InputException.in(modelDir, "has no label " + label + " (its labels: " + String.join(", ", model.labels())
                    + "); name the one for a match with --positive-label");
        }
        return new CrossEncoderReranker((FineTunedModel<TaskExample, Void, ClassificationTask.Prediction>) model, index);
    }

    /** Checks {@link #rerank}'s settings, so a command can reject them before loading a model. */
    public static void requireSettings(int topN, Double threshold) {
        OptionChecks.atLeast("--top-n", topN, 1);
        if (threshold != null) OptionChecks.probability("--threshold", threshold);
    }

    /**
     * Reranks the first {@code topN} hits of every query of {@code candidates} (read from {@code file}, named in
     * errors), scoring every pair in one batched pass.
     *
     * @param threshold null: keep every scored hit
     */
    public Result rerank(List<SearchResults.QueryHits> candidates, Path file, int topN, Double threshold, int seqLen, int batchSize,
            Progress progress) {
        requireSettings(topN, threshold);
        List<TaskExample> pairs = new ArrayList<>();
        int beyondTopN = 0;
        for (SearchResults.QueryHits query : candidates) {
            List<SearchResults.Hit> read = query.hits().subList(0, Math.min(topN, query.hits().size()));
            if (query.query() == null && !read.isEmpty()) throw InputException.in(file, "query " + query.queryId() + " has no \"query\" text");
            for (SearchResults.Hit hit : read) {
                if (hit.text() == null) {
                    throw InputException.in(file, "query " + query.queryId() + ": doc " + hit.docId() + " has no \"text\" (rerank reads the hits' text)");
                }
                pairs.add(new TaskExample(query.queryId() + "/" + hit.docId(), query.query(), hit.text(), null, file, 0));
            }
            beyondTopN += query.hits().size() - read.size();
        }
        List<ClassificationTask.Prediction> predictions = pairs.isEmpty() ? List.of() // queries without hits: nothing to run
                : model.predict(pairs, false, seqLen, batchSize, true, "rerank", progress).predictions();
        List<SearchResults.QueryHits> results = new ArrayList<>(candidates.size());
        int next = 0, belowThreshold = 0;
        for (SearchResults.QueryHits query : candidates) {
            List<SearchResults.Hit> scored = new ArrayList<>();
            for (SearchResults.Hit hit : query.hits().subList(0, Math.min(topN, query.hits().size()))) {
                double score = predictions.get(next++).probabilities()[positiveIndex];
                if (threshold != null && score < threshold) {
                    belowThreshold++;
                    continue;
                }
                Double firstStage = hit.retrievalScore() != null ? hit.retrievalScore() : hit.score();
                scored.add(new SearchResults.Hit(hit.docId(), score, hit.text(), firstStage));
            }
            scored.sort(Comparator.comparingDouble(SearchResults.Hit::score).reversed()); // a stable sort: ties keep their order
            results.add(new SearchResults.QueryHits(query.queryId(), query.query(), scored));
        }
        return new Result(results, pairs.size(), beyondTopN, belowThreshold);
    }
}
