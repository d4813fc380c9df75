package org.nezha.core.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunEvaluationTest {
    private static final double EPS = 1e-12;

    @TempDir
    Path dir;

    /** s1 and s3 are queries that are in the corpus too, as PairRetrievalSet makes them. */
    private static Map<String, List<String>> rankings() {
        Map<String, List<String>> rankings = new LinkedHashMap<>();
        rankings.put("s1", List.of("s1", "s2", "s4"));
        rankings.put("s3", List.of("s5", "s3", "s4"));
        rankings.put("s9", List.of("s2")); // no judgement
        return rankings;
    }

    private static Qrels qrels() {
        Map<String, Map<String, Integer>> judgements = new LinkedHashMap<>();
        judgements.put("s1", Map.of("s2", 1));
        judgements.put("s3", Map.of("s4", 1));
        judgements.put("s6", Map.of("s7", 1)); // not in the run
        return Qrels.of(judgements);
    }

    @Test
    void identicalIdsAreIgnoredByDefaultAndMissingQueriesScoreZero() {
        RunEvaluation e = RunEvaluation.of(rankings(), qrels(), true);
        // s1: s2 first once s1 is out (RR 1); s3: s5, s4 (RR 1/2); s6: missing, 0
        assertEquals(3, e.metrics().queries());
        assertEquals((1 + 0 + 0) / 3.0, e.metrics().recallAt1(), EPS);
        assertEquals((1 + 0.5 + 0) / 3.0, e.metrics().mrrAt10(), EPS);
        assertEquals((1 + 1 + 0) / 3.0, e.metrics().recallAt5(), EPS);
        assertEquals(3, e.runQueries());
        assertEquals(1, e.queriesMissingFromRun());
        assertEquals(1, e.runQueriesWithoutRelevant());
        assertEquals(2, e.identicalIdsIgnored()); // s1 and s3 both rank themselves
    }

    @Test
    void identicalIdsCountAsHitsWhenKept() {
        RunEvaluation e = RunEvaluation.of(rankings(), qrels(), false);
        // s1: s1, s2 → RR 1/2; s3: s5, s3, s4 → RR 1/3
        assertEquals((0.5 + 1 / 3.0 + 0) / 3.0, e.metrics().mrrAt10(), EPS);
        assertEquals(0, e.identicalIdsIgnored());
    }

    @Test
    void qrelsOfUnknownIdsAreCountedNotFatal() throws IOException {
        Path file = dir.resolve("qrels.tsv");
        Files.writeString(file, "s1\ts2\ns3\ts4\nqX\ts2\ns3\tdX\n");
        Qrels qrels = Qrels.read(file, Set.of("s1", "s3"), Set.of("s2", "s4", "s5"));
        RunEvaluation e = RunEvaluation.of(rankings(), qrels, true);
        assertEquals(1, e.qrelsUnknownQuery());
        assertEquals(1, e.qrelsUnknownDoc());
        assertEquals(2, e.metrics().queries());
        Map<String, Object> map = e.toMap();
        assertEquals(List.of("recall@1", "recall@5", "recall@10", "recall@50", "mrr@10", "ndcg@10", "queries", "queries_without_relevant",
                "run_queries", "queries_missing_from_run", "run_queries_without_relevant", "identical_ids_ignored", "qrels_unknown_query",
                "qrels_unknown_doc"), List.copyOf(map.keySet()));
    }

    @Test
    void rankingsOfASearchResultsFile() {
        List<SearchResults.QueryHits> results = List.of(
                new SearchResults.QueryHits("q1", "a", List.of(new SearchResults.Hit("d2", 2, null, null), new SearchResults.Hit("d1", 1, null, null))),
                new SearchResults.QueryHits("q0", "b", List.of()));
        Map<String, List<String>> rankings = RunEvaluation.rankings(results);
        assertEquals(List.of("q1", "q0"), List.copyOf(rankings.keySet()));
        assertEquals(List.of("d2", "d1"), rankings.get("q1"));
    }
}
