package org.nezha.core.retrieval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link RetrievalMetrics} of rankings from any source (a search results file, a search run in memory) against
 * {@link Qrels}, with what a user must know to trust the numbers counted beside them.
 *
 * <p>With {@code ignoreIdenticalIds}, a hit whose doc id is its query's id is taken out of the ranking before
 * scoring: BEIR's {@code ignore_identical_ids}, for sets whose queries are also in the corpus (as {@link
 * PairRetrievalSet}'s are), where finding the query itself is no achievement.
 *
 * @param metrics                   the scores, averaged over the queries with a relevant document
 * @param runQueries                queries in the rankings
 * @param queriesMissingFromRun     queries with a relevant document but no ranking: they score 0 (in the average)
 * @param runQueriesWithoutRelevant ranked queries without a relevant document in the qrels: skipped
 * @param identicalIdsIgnored       hits taken out for having their query's id
 * @param qrelsUnknownQuery         judgements the qrels reader dropped for naming a query unknown to the source
 * @param qrelsUnknownDoc           judgements dropped for naming a document unknown to the source
 */
public record RunEvaluation(RetrievalMetrics metrics, int runQueries, int queriesMissingFromRun, int runQueriesWithoutRelevant,
        int identicalIdsIgnored, int qrelsUnknownQuery, int qrelsUnknownDoc) {

    /** {@code rankings}: query id → doc ids, best first. */
    public static RunEvaluation of(Map<String, List<String>> rankings, Qrels qrels, boolean ignoreIdenticalIds) {
        Map<String, List<String>> scored = new LinkedHashMap<>();
        int ignored = 0, withoutRelevant = 0;
        for (Map.Entry<String, List<String>> entry : rankings.entrySet()) {
            String query = entry.getKey();
            List<String> ranking = new ArrayList<>(entry.getValue());
            if (ignoreIdenticalIds && ranking.remove(query)) ignored++;
            scored.put(query, ranking);
            if (!qrels.hasRelevant(query)) withoutRelevant++;
        }
        int missing = (int) qrels.byQuery().keySet().stream().filter(q -> qrels.hasRelevant(q) && !rankings.containsKey(q)).count();
        return new RunEvaluation(RetrievalMetrics.compute(scored, qrels), rankings.size(), missing, withoutRelevant, ignored,
                qrels.droppedUnknownQuery(), qrels.droppedUnknownDoc());
    }

    /** The rankings of a search results file: query id → its hits' doc ids, in file order. */
    public static Map<String, List<String>> rankings(List<SearchResults.QueryHits> results) {
        Map<String, List<String>> rankings = new LinkedHashMap<>();
        for (SearchResults.QueryHits result : results) rankings.put(result.queryId(), result.docIds());
        return rankings;
    }

    /** For JSON output: the metrics, then the counts. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>(metrics.toMap());
        map.put("run_queries", runQueries);
        map.put("queries_missing_from_run", queriesMissingFromRun);
        map.put("run_queries_without_relevant", runQueriesWithoutRelevant);
        map.put("identical_ids_ignored", identicalIdsIgnored);
        map.put("qrels_unknown_query", qrelsUnknownQuery);
        map.put("qrels_unknown_doc", qrelsUnknownDoc);
        return map;
    }
}
