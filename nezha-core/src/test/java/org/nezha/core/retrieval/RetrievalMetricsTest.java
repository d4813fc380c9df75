package org.nezha.core.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RetrievalMetricsTest {
    private static final double EPS = 1e-12;
    private static final double LOG2_3 = Math.log(3) / Math.log(2);
    private static final double LOG2_7 = Math.log(7) / Math.log(2);

    /**
     * q1: graded, two docs tied at grade 2, one of them (d1) never retrieved, 3 results only (fewer than k).
     * q2: its one relevant doc at rank 6. q3: judged 0 only. q4: judged, not ranked. q5: ranked, not judged.
     */
    @Test
    void handComputedRankings() {
        Qrels qrels = Qrels.of(ordered(
                "q1", Map.of("d1", 2, "d2", 1, "d3", 2),
                "q2", Map.of("d9", 1),
                "q3", Map.of("d5", 0),
                "q4", Map.of("d7", 1)));
        Map<String, List<String>> rankings = ordered(
                "q1", List.of("d2", "d4", "d3"),
                "q2", List.of("d8", "d7", "d6", "d5", "d4", "d9"),
                "q3", List.of("d5"),
                "q5", List.of("d1"));

        RetrievalMetrics m = RetrievalMetrics.compute(rankings, qrels);

        // q1: DCG = 1/log2(2) + 0 + 2/log2(4) = 2; ideal [2, 2, 1]: 2 + 2/log2(3) + 1/2
        double ndcg1 = 2 / (2 + 2 / LOG2_3 + 0.5);
        double ndcg2 = 1 / LOG2_7; // rank 6: discount 1/log2(7); ideal 1
        assertEquals(3, m.queries()); // q1, q2, q4
        assertEquals(2, m.queriesWithoutRelevant()); // q3, q5
        assertEquals((1.0 / 3 + 0 + 0) / 3, m.recallAt1(), EPS);
        assertEquals((2.0 / 3 + 0 + 0) / 3, m.recallAt5(), EPS);
        assertEquals((2.0 / 3 + 1 + 0) / 3, m.recallAt10(), EPS);
        assertEquals((2.0 / 3 + 1 + 0) / 3, m.recallAt50(), EPS);
        assertEquals((1 + 1.0 / 6 + 0) / 3, m.mrrAt10(), EPS);
        assertEquals((ndcg1 + ndcg2 + 0) / 3, m.ndcgAt10(), EPS);
        assertEquals(0.5316520, ndcg1, 1e-7); // the formula above, worked by hand
    }

    @Test
    void swappingDocsOfEqualGradeKeepsNdcgAndPerfectOrderIsOne() {
        Map<String, Integer> judged = Map.of("a", 3, "b", 3, "c", 1, "z", 0);
        double ab = RetrievalMetrics.ndcg(List.of("a", "b", "c"), judged, 10);
        double ba = RetrievalMetrics.ndcg(List.of("b", "a", "c"), judged, 10);
        assertEquals(1, ab, EPS);
        assertEquals(ab, ba, EPS);
        // c first: 1 + 3/log2(3) + 3/2 over 3 + 3/log2(3) + 1/2
        assertEquals((1 + 3 / LOG2_3 + 1.5) / (3 + 3 / LOG2_3 + 0.5),
                RetrievalMetrics.ndcg(List.of("c", "a", "b", "z"), judged, 10), EPS);
    }

    @Test
    void cutoffsStopAtTheirRank() {
        List<String> ranking = new ArrayList<>();
        for (int i = 1; i <= 60; i++) ranking.add("n" + i);
        ranking.set(10, "r1"); // rank 11: outside MRR@10, nDCG@10, recall@10
        ranking.set(49, "r2"); // rank 50: inside recall@50
        Qrels qrels = Qrels.of(Map.of("q", Map.of("r1", 1, "r2", 1, "r3", 1)));

        RetrievalMetrics m = RetrievalMetrics.compute(Map.of("q", ranking), qrels);

        assertEquals(0, m.mrrAt10(), EPS);
        assertEquals(0, m.ndcgAt10(), EPS);
        assertEquals(0, m.recallAt10(), EPS);
        assertEquals(2.0 / 3, m.recallAt50(), EPS);
        assertEquals(1.0 / 11, RetrievalMetrics.reciprocalRank(ranking, qrels.judgements("q"), 11), EPS);
    }

    @Test
    void noScorableQueryGivesZerosAndCounts() {
        RetrievalMetrics m = RetrievalMetrics.compute(Map.of("q", List.of("d")), Qrels.of(Map.of()));
        assertEquals(0, m.queries());
        assertEquals(1, m.queriesWithoutRelevant());
        assertEquals(0, m.ndcgAt10());
    }

    @Test
    void repeatedDocIsRejected() {
        Qrels qrels = Qrels.of(Map.of("q", Map.of("d", 1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RetrievalMetrics.compute(Map.of("q", List.of("d", "x", "d")), qrels));
        assertEquals("query q ranks doc d twice", e.getMessage());
    }

    @Test
    void toMapHasTheJsonKeys() {
        RetrievalMetrics m = new RetrievalMetrics(4, 1, 0.1, 0.5, 0.6, 0.9, 0.3, 0.4);
        assertEquals(List.of("recall@1", "recall@5", "recall@10", "recall@50", "mrr@10", "ndcg@10", "queries",
                "queries_without_relevant"), List.copyOf(m.toMap().keySet()));
        assertEquals(0.4, m.toMap().get("ndcg@10"));
        assertEquals(4, m.toMap().get("queries"));
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> ordered(Object... keysAndValues) {
        Map<String, V> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) map.put((String) keysAndValues[i], (V) keysAndValues[i + 1]);
        return map;
    }
}
