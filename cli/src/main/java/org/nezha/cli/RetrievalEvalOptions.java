package org.nezha.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import picocli.CommandLine.Option;

import org.nezha.core.InputException;
import org.nezha.core.pipeline.Progress;
import org.nezha.core.pipeline.SentenceEncoder;
import org.nezha.core.retrieval.ExactSearch;
import org.nezha.core.retrieval.IdentifiedTexts;
import org.nezha.core.retrieval.IndexSearch;
import org.nezha.core.retrieval.Qrels;
import org.nezha.core.retrieval.RetrievalMetrics;
import org.nezha.core.retrieval.RunEvaluation;
import org.nezha.core.retrieval.SearchResults;
import org.nezha.core.retrieval.VectorIndex;

/**
 * {@code eval --task retrieval}: where the rankings come from — a search results file ({@code --run}), an index
 * searched for {@code --queries} ({@code --index}), or a model embedding {@code --queries} and {@code --corpus}
 * and searching them exactly ({@code --model}) — and the qrels they are scored against. The scoring is
 * {@link RunEvaluation}'s whatever the source.
 */
final class RetrievalEvalOptions {
    static final String TASK = "retrieval";

    @Option(names = "--run", paramLabel = "RESULTS",
            description = "retrieval: search results to score (JSON Lines as nezha search and nezha rerank write them).")
    Path run;

    @Option(names = "--queries", paramLabel = "FILE", description = "retrieval, with --model or --index: the queries (JSON Lines with id and text).")
    Path queries;

    @Option(names = "--corpus", paramLabel = "FILE",
            description = "retrieval, with --model: the texts to rank (JSON Lines with id and text), embedded and searched exactly.")
    Path corpus;

    @Option(names = "--index", paramLabel = "INDEX",
            description = "retrieval: an index (nezha index) to search for --queries, with its model (or --model, the same one).")
    Path index;

    @Option(names = "--exact", description = "retrieval, with --index: score every indexed vector instead of walking the HNSW graph.")
    boolean exact;

    @Option(names = "--ef-search", defaultValue = "100", paramLabel = "N", description = "retrieval, with --index: HNSW candidates kept "
            + "per query (at least the 50 the metrics need). Default: ${DEFAULT-VALUE}.")
    int efSearch;

    @Option(names = "--qrels", paramLabel = "FILE",
            description = "retrieval: relevance judgements, query_id<TAB>doc_id[<TAB>relevance] per line (BEIR's header line allowed).")
    Path qrels;

    @Option(names = "--ignore-identical-ids", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "retrieval: leave out a hit whose doc id is its query's id (BEIR's ignore_identical_ids: for sets whose "
                    + "queries are in the corpus too, as nezha retrieval-set makes them). Default: true.")
    boolean ignoreIdenticalIds;

    /** Whether any retrieval option was given (a mistake with another task). */
    boolean anyGiven() {
        return run != null || qrels != null || queries != null || corpus != null || index != null;
    }

    /** The rankings to score, the ids they may name (null: not known) and what they came from. */
    private record Source(Map<String, List<String>> rankings, Set<String> queryIds, Set<String> docIds, Map<String, Object> described) {}

    /**
     * The metrics and counts as eval prints them; what a user should know goes to {@code progress}.
     * {@code model}: the embedding model (with --corpus, or in place of the index's), null without one.
     */
    Map<String, Object> evaluate(Path model, TextEmbedder embedder, RuntimeOptions runtime, Progress progress) {
        if (qrels == null) throw new InputException("--task retrieval needs --qrels FILE");
        Source source = source(model, embedder, runtime, progress);
        RunEvaluation evaluation = RunEvaluation.of(source.rankings(), Qrels.read(qrels, source.queryIds(), source.docIds()), ignoreIdenticalIds);
        if (evaluation.qrelsUnknownQuery() + evaluation.qrelsUnknownDoc() > 0) {
            progress.info(String.format(Locale.ROOT, "warning: %s names %,d unknown queries and %,d unknown documents; those judgements "
                    + "are left out", qrels, evaluation.qrelsUnknownQuery(), evaluation.qrelsUnknownDoc()));
        }
        if (evaluation.queriesMissingFromRun() > 0) {
            progress.info(String.format(Locale.ROOT, "warning: %,d queries of %s are not in %s; they score 0", evaluation.queriesMissingFromRun(),
                    qrels, run != null ? run : queries));
        }
        if (evaluation.runQueriesWithoutRelevant() > 0) {
            progress.info(String.format(Locale.ROOT, "warning: %,d queries have no relevant document in %s; they are left out",
                    evaluation.runQueriesWithoutRelevant(), qrels));
        }
        Map<String, Object> out = new LinkedHashMap<>(source.described());
        out.put("qrels", qrels.toString());
        out.put("task", TASK);
        out.putAll(evaluation.toMap());
        return out;
    }

    private Source source(Path model, TextEmbedder embedder, RuntimeOptions runtime, Progress progress) {
        int sources = (run != null ? 1 : 0) + (index != null ? 1 : 0) + (corpus != null ? 1 : 0);
        if (sources != 1) {
            throw new InputException("--task retrieval scores one of: --run RESULTS, --index INDEX --queries FILE, or --model DIR "
                    + "--queries FILE --corpus FILE");
        }
        if (run != null) {
            if (model != null || queries != null) throw new InputException("--run is scored as it is; it takes no --model or --queries");
            return new Source(RunEvaluation.rankings(SearchResults.read(run)), null, null, Map.of("run", run.toString()));
        }
        if (queries == null) throw new InputException((index != null ? "--index" : "--corpus") + " needs --queries FILE");
        IdentifiedTexts questions = IdentifiedTexts.read(queries);
        return index != null ? searchIndex(questions, model, embedder, runtime, progress)
                : searchCorpus(questions, model, embedder, runtime, progress);
    }

    /** Enough hits for the deepest cutoff, and one more for a query that finds itself. */
    private int depth(int corpusSize) {
        return Math.min(RetrievalMetrics.DEEPEST_CUTOFF + (ignoreIdenticalIds ? 1 : 0), corpusSize);
    }

    private Source searchIndex(IdentifiedTexts questions, Path model, TextEmbedder embedder, RuntimeOptions runtime, Progress progress) {
        try (VectorIndex opened = VectorIndex.open(index)) {
            int k = depth(opened.size());
            IndexSearch search = new IndexSearch(opened, index, k, exact ? VectorIndex.Mode.EXACT : VectorIndex.Mode.HNSW,
                    Math.max(efSearch, k), false);
            var hits = embedder.search(search, model, questions, runtime, progress);
            Set<String> docIds = new HashSet<>();
            for (int row = 0; row < opened.size(); row++) docIds.add(opened.id(row));
            Map<String, Object> described = new LinkedHashMap<>();
            described.put("index", index.toString());
            described.put("search", exact ? "exact" : "hnsw ef_search " + Math.max(efSearch, k));
            described.put("query_file", queries.toString());
            return new Source(RunEvaluation.rankings(hits), new HashSet<>(questions.ids()), docIds, described);
        }
    }

    private Source searchCorpus(IdentifiedTexts questions, Path model, TextEmbedder embedder, RuntimeOptions runtime, Progress progress) {
        if (model == null) throw new InputException("--corpus needs --model DIR to embed it and the queries");
        SentenceEncoder encoder = embedder.load(model, runtime);
        IdentifiedTexts documents = IdentifiedTexts.read(corpus);
        float[] docVectors = embedder.encode(encoder, documents.texts(), "embed corpus", progress);
        float[] queryVectors = embedder.encode(encoder, questions.texts(), "embed queries", progress);
        ExactSearch.Hits hits = ExactSearch.topK(docVectors, queryVectors, encoder.dimension(), depth(documents.size()));
        Map<String, List<String>> rankings = new LinkedHashMap<>();
        for (int q = 0; q < questions.size(); q++) {
            rankings.put(questions.ids().get(q), Arrays.stream(hits.indices()[q]).mapToObj(documents.ids()::get).toList());
        }
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("model", model.toString());
        described.put("query_file", queries.toString());
        described.put("corpus_file", corpus.toString());
        return new Source(rankings, new HashSet<>(questions.ids()), new HashSet<>(documents.ids()), described);
    }
}
