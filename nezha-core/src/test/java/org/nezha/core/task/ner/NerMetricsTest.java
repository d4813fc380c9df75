package org.nezha.core.task.ner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Entities and scores as seqeval's defaults give them, on hand-computed cases (its quirks included). */
class NerMetricsTest {
    private static List<Span> chunks(String... tags) {
        return SeqevalChunks.of(List.of(tags));
    }

    private static Span span(String type, int start, int end) {
        return new Span(type, start, end);
    }

    @Test
    void findsEntitiesAsSeqevalsGetEntities() {
        assertEquals(List.of(span("PER", 0, 2), span("LOC", 3, 4)), chunks("B-PER", "I-PER", "O", "B-LOC"));
        // an I- without a B- begins an entity
        assertEquals(List.of(span("PER", 0, 2), span("LOC", 3, 4)), chunks("I-PER", "I-PER", "O", "I-LOC"));
        // a type change mid-entity ends one and begins another
        assertEquals(List.of(span("PER", 0, 1), span("LOC", 1, 3)), chunks("B-PER", "I-LOC", "I-LOC"));
        assertEquals(List.of(span("X", 0, 1), span("X", 1, 2)), chunks("B-X", "B-X"));
        // BIOES: single-token S-, and the lenient readings of a missing E- and of E-/I- after O or E-
        assertEquals(List.of(span("PER", 0, 1), span("LOC", 1, 4), span("ORG", 4, 5)), chunks("S-PER", "B-LOC", "I-LOC", "E-LOC", "S-ORG"));
        assertEquals(List.of(span("PER", 0, 2)), chunks("B-PER", "I-PER", "O"));
        assertEquals(List.of(span("PER", 0, 1), span("PER", 1, 2)), chunks("E-PER", "E-PER"));
        assertEquals(List.of(span("X", 1, 2), span("X", 2, 3)), chunks("O", "E-X", "I-X"));
        assertEquals(List.of(span("X", 0, 2), span("X", 2, 3)), chunks("B-X", "E-X", "I-X"));
        // BMES reads M- as I-
        assertEquals(List.of(span("ORG", 0, 3), span("NAME", 3, 4)), chunks("B-ORG", "M-ORG", "E-ORG", "S-NAME"));
        assertEquals(List.of(span("ORG", 0, 2), span("ORG", 2, 4)), chunks("B-ORG", "M-ORG", "B-ORG", "E-ORG"));
        assertEquals(List.of(), chunks("O", "O"));
        assertEquals(List.of(), chunks());
    }

    /** seqeval's docstring example: f1 = precision = recall = 0.5, accuracy 0.8. */
    @Test
    void scoresSeqevalsDocstringExample() {
        Map<String, Object> m = NerMetrics.of(
                List.of(List.of("O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"), List.of("B-PER", "I-PER", "O")),
                List.of(List.of("O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"), List.of("B-PER", "I-PER", "O")));
        assertEquals(0.5, (double) m.get("f1"), 1e-12);
        assertEquals(0.5, (double) m.get("precision"), 1e-12);
        assertEquals(0.5, (double) m.get("recall"), 1e-12);
        assertEquals(0.8, (double) m.get("token_accuracy"), 1e-12);
    }

    /**
     * Gold (PER 0-2, LOC 3) | (ORG 1-3 from I- without B-); predicted (PER 0-2, ORG 3) | (ORG 0-3): one of three
     * right each way; 6 of 8 tags right; per gold type: LOC 0, ORG 0 (predicted twice), PER 1.
     */
    @Test
    void scoresMicroAndPerTypeByHand() {
        Map<String, Object> m = NerMetrics.of(
                List.of(List.of("B-PER", "I-PER", "O", "B-LOC"), List.of("O", "I-ORG", "I-ORG", "O")),
                List.of(List.of("B-PER", "I-PER", "O", "B-ORG"), List.of("B-ORG", "I-ORG", "I-ORG", "O")));
        assertEquals(1.0 / 3, (double) m.get("precision"), 1e-12);
        assertEquals(1.0 / 3, (double) m.get("recall"), 1e-12);
        assertEquals(1.0 / 3, (double) m.get("f1"), 1e-12);
        assertEquals(0.75, (double) m.get("token_accuracy"), 1e-12);
        assertEquals(3, m.get("gold_entities"));
        assertEquals(3, m.get("predicted_entities"));
        assertEquals(1, m.get("correct_entities"));
        assertEquals(Map.of(
                "LOC", Map.of("precision", 0.0, "recall", 0.0, "f1", 0.0, "support", 1),
                "ORG", Map.of("precision", 0.0, "recall", 0.0, "f1", 0.0, "support", 1),
                "PER", Map.of("precision", 1.0, "recall", 1.0, "f1", 1.0, "support", 1)), m.get("per_type"));
        assertEquals(List.of("LOC", "ORG", "PER"), List.copyOf(((Map<?, ?>) m.get("per_type")).keySet().stream().map(Object::toString).toList()));
    }

    @Test
    void predictingNothingScoresZeroNotNaN() {
        Map<String, Object> m = NerMetrics.of(List.of(List.of("B-X", "O")), List.of(List.of("O", "O")));
        assertEquals(0.0, m.get("f1"));
        assertEquals(0.0, m.get("precision"));
        assertEquals(0.5, m.get("token_accuracy"));
    }
}
