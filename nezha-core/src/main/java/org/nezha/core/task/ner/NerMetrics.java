package org.nezha.core.task.ner;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Entity-level precision, recall and F1 as seqeval's {@code precision_score}, {@code recall_score} and
 * {@code f1_score} give them by default (micro-averaged over the entities that {@link SeqevalChunks} finds:
 * an entity counts as correct only with the same type, start and end), per type as its
 * {@code classification_report} (the types of the gold entities), and the token accuracy of
 * {@code accuracy_score}. A ratio without a denominator is 0, as seqeval's.
 */
public final class NerMetrics {
    private NerMetrics() {}

    /** Counts of one type (or of all): gold entities, predicted ones, and the predicted ones that are gold. */
    private static final class Counts {
        int gold, predicted, correct;

        Map<String, Object> scores() {
            double precision = ratio(correct, predicted), recall = ratio(correct, gold);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("precision", precision);
            m.put("recall", recall);
            m.put("f1", precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0);
            return m;
        }
    }

    /** The scores of predicted tag sequences against gold ones, sentence by sentence. */
    public static Map<String, Object> of(List<List<String>> gold, List<List<String>> predicted) {
        if (gold.size() != predicted.size()) throw new IllegalArgumentException(gold.size() + " gold sentences, " + predicted.size() + " predicted");
        Counts all = new Counts();
        Map<String, Counts> byType = new TreeMap<>();
        long tokens = 0, rightTokens = 0;
        for (int s = 0; s < gold.size(); s++) {
            List<String> g = gold.get(s), p = predicted.get(s);
            if (g.size() != p.size()) throw new IllegalArgumentException("sentence " + s + ": " + g.size() + " gold tags, " + p.size() + " predicted");
            for (int i = 0; i < g.size(); i++) if (g.get(i).equals(p.get(i))) rightTokens++;
            tokens += g.size();
            Set<Span> goldSpans = new HashSet<>(SeqevalChunks.of(g)), predictedSpans = new HashSet<>(SeqevalChunks.of(p));
            for (Span span : goldSpans) {
                all.gold++;
                byType.computeIfAbsent(span.type(), t -> new Counts()).gold++;
            }
            for (Span span : predictedSpans) {
                boolean correct = goldSpans.contains(span);
                all.predicted++;
                if (correct) all.correct++;
                Counts type = byType.computeIfAbsent(span.type(), t -> new Counts());
                type.predicted++;
                if (correct) type.correct++;
            }
        }
        Map<String, Object> metrics = all.scores();
        metrics.put("token_accuracy", ratio(rightTokens, tokens));
        metrics.put("gold_entities", all.gold);
        metrics.put("predicted_entities", all.predicted);
        metrics.put("correct_entities", all.correct);
        Map<String, Object> perType = new LinkedHashMap<>();
        byType.forEach((type, counts) -> {
            if (counts.gold == 0) return; // seqeval reports the gold types; a type only predicted counts in the totals
            Map<String, Object> m = counts.scores();
            m.put("support", counts.gold);
            perType.put(type, m);
        });
        metrics.put("per_type", perType);
        return metrics;
    }

    private static double ratio(long part, long whole) {
        return whole > 0 ? (double) part / whole : 0.0;
    }
}
