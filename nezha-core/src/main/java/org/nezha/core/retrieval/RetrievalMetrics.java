package org.nezha.core.retrieval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recall@1/5/10/50, MRR@10 and nDCG@10 of rankings against {@link Qrels}, with trec_eval's (and so BEIR's,
 * through pytrec_eval) definitions: a document is relevant when its relevance is > 0; nDCG uses the linear
 * gain (gain = relevance, not 2^rel − 1) with discount 1 / log2(rank + 1), and the ideal DCG is that of the
 * query's judged relevances sorted in decreasing order. Rankings are taken in the order given (trec_eval
 * would re-sort by score and break ties by doc id; ours come ranked already).
 *
 * <p>Scores are averaged over the queries that have at least one relevant document — those in the rankings
 * and those only in the qrels alike, a query with no ranking scoring 0 everywhere (pytrec_eval would skip it
 * and so flatter the average). Queries with no relevant document (ranked but unjudged, or judged only 0)
 * cannot score and are only counted, in {@code queriesWithoutRelevant}.
 *
 * @param queries                the number of queries averaged over
 * @param queriesWithoutRelevant ranked or judged queries left out for having no relevant document
 */
public record RetrievalMetrics(int queries, int queriesWithoutRelevant, double recallAt1, double recallAt5,
        double recallAt10, double recallAt50, double mrrAt10, double ndcgAt10) {

    /** The deepest rank any metric looks at (recall@50): a ranking needs no more hits. */
    public static final int DEEPEST_CUTOFF = 50;

    /** {@code rankings}: query id → doc ids, best first, no doc twice. */
    public static RetrievalMetrics compute(Map<String, List<String>> rankings, Qrels qrels) {
        Set<String> queryIds = new LinkedHashSet<>(rankings.keySet());
        queryIds.addAll(qrels.byQuery().keySet());
        int scored = 0, withoutRelevant = 0;
        double r1 = 0, r5 = 0, r10 = 0, r50 = 0, mrr = 0, ndcg = 0;
        for (String query : queryIds) {
            Map<String, Integer> judged = qrels.judgements(query);
            int relevantCount = (int) judged.values().stream().filter(r -> r > 0).count();
            if (relevantCount == 0) {
                withoutRelevant++;
                continue;
            }
            List<String> ranking = rankings.getOrDefault(query, List.of());
            requireDistinct(query, ranking);
            scored++;
            r1 += recall(ranking, judged, relevantCount, 1);
            r5 += recall(ranking, judged, relevantCount, 5);
            r10 += recall(ranking, judged, relevantCount, 10);
            r50 += recall(ranking, judged, relevantCount, DEEPEST_CUTOFF);
            mrr += reciprocalRank(ranking, judged, 10);
            ndcg += ndcg(ranking, judged, 10);
        }
        if (scored == 0) return new RetrievalMetrics(0, withoutRelevant, 0, 0, 0, 0, 0, 0);
        return new RetrievalMetrics(scored, withoutRelevant, r1 / scored, r5 / scored, r10 / scored, r50 / scored,
                mrr / scored, ndcg / scored);
    }

    // a repeated doc would count its gain twice, and recall could pass 1
    private static void requireDistinct(String query, List<String> ranking) {
        Set<String> seen = new HashSet<>();
        for (String doc : ranking) {
            if (!seen.add(doc)) throw new IllegalArgumentException("query " + query + " ranks doc " + doc + " twice");
        }
    }

    /** Relevant documents in the top k / relevant documents of the query (fewer than k ranked: the top is shorter). */
    static double recall(List<String> ranking, Map<String, Integer> judged, int relevantCount, int k) {
        int found = 0;
        for (int i = 0; i < Math.min(k, ranking.size()); i++) {
            if (judged.getOrDefault(ranking.get(i), 0) > 0) found++;
        }
        return (double) found / relevantCount;
    }

    /** 1 / rank of the first relevant document in the top k, 0 if none. */
    static double reciprocalRank(List<String> ranking, Map<String, Integer> judged, int k) {
        for (int i = 0; i < Math.min(k, ranking.size()); i++) {
            if (judged.getOrDefault(ranking.get(i), 0) > 0) return 1.0 / (i + 1);
        }
        return 0;
    }

    /** DCG@k / ideal DCG@k, gain = relevance, discount 1 / log2(rank + 1). */
    static double ndcg(List<String> ranking, Map<String, Integer> judged, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranking.size()); i++) {
            dcg += judged.getOrDefault(ranking.get(i), 0) / log2(i + 2);
        }
        List<Integer> ideal = new ArrayList<>(judged.values());
        ideal.sort((a, b) -> Integer.compare(b, a));
        double idealDcg = 0;
        for (int i = 0; i < Math.min(k, ideal.size()); i++) {
            idealDcg += ideal.get(i) / log2(i + 2);
        }
        return idealDcg == 0 ? 0 : dcg / idealDcg;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** For JSON output. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("recall@1", recallAt1);
        map.put("recall@5", recallAt5);
        map.put("recall@10", recallAt10);
        map.put("recall@50", recallAt50);
        map.put("mrr@10", mrrAt10);
        map.put("ndcg@10", ndcgAt10);
        map.put("queries", queries);
        map.put("queries_without_relevant", queriesWithoutRelevant);
        return map;
    }
}
