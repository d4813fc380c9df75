package org.nezha.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import picocli.CommandLine.Option;

import org.nezha.core.InputException;
import org.nezha.core.pipeline.Progress;
import org.nezha.core.retrieval.Qrels;
import org.nezha.core.retrieval.RunEvaluation;
import org.nezha.core.retrieval.SearchResults;

/**
 * {@code eval --task retrieval}: where the rankings come from (a search results file: {@code --run}) and the
 * qrels they are scored against. Another source of rankings is one more option and one more branch in
 * {@link #rankings}: the scoring is {@link RunEvaluation}'s whatever the source.
 */
final class RetrievalEvalOptions {
    static final String TASK = "retrieval";

    @Option(names = "--run", paramLabel = "RESULTS",
            description = "retrieval: search results to score (JSON Lines as nezha search and nezha rerank write them).")
    Path run;

    @Option(names = "--qrels", paramLabel = "FILE",
            description = "retrieval: relevance judgements, query_id<TAB>doc_id[<TAB>relevance] per line (BEIR's header line allowed).")
    Path qrels;

    @Option(names = "--ignore-identical-ids", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "retrieval: leave out a hit whose doc id is its query's id (BEIR's ignore_identical_ids: for sets whose "
                    + "queries are in the corpus too, as nezha retrieval-set makes them). Default: true.")
    boolean ignoreIdenticalIds;

    /** Whether any retrieval source was given (a mistake with another task). */
    boolean anyGiven() {
        return run != null || qrels != null;
    }

    /** The metrics and counts as eval prints them; what a user should know about the run goes to {@code progress}. */
    Map<String, Object> evaluate(Progress progress) {
        if (qrels == null) throw new InputException("--task retrieval needs --qrels FILE");
        Map<String, List<String>> rankings = rankings();
        RunEvaluation evaluation = RunEvaluation.of(rankings, Qrels.read(qrels), ignoreIdenticalIds);
        if (evaluation.queriesMissingFromRun() > 0) {
            progress.info(String.format(Locale.ROOT, "warning: %,d queries of %s are not in %s; they score 0", evaluation.queriesMissingFromRun(), qrels, run));
        }
        if (evaluation.runQueriesWithoutRelevant() > 0) {
            progress.info(String.format(Locale.ROOT, "warning: %,d queries of %s have no relevant document in %s; they are left out",
                    evaluation.runQueriesWithoutRelevant(), run, qrels));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run", run.toString());
        out.put("qrels", qrels.toString());
        out.put("task", TASK);
        out.putAll(evaluation.toMap());
        return out;
    }

    private Map<String, List<String>> rankings() {
        if (run == null) throw new InputException("--task retrieval needs --run RESULTS (search results to score)");
        return RunEvaluation.rankings(SearchResults.read(run));
    }
}
