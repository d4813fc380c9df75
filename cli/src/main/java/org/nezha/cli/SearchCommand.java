package org.nezha.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import org.nezha.core.io.OutputPaths;
import org.nezha.core.retrieval.IdentifiedTexts;
import org.nezha.core.retrieval.IndexSearch;
import org.nezha.core.retrieval.SearchResults;
import org.nezha.core.retrieval.VectorIndex;

/** {@code nezha search}: the nearest corpus texts of each query. */
@Command(name = "search", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Find each query's top-k texts in an index built by nezha index (cosine similarity).",
                "Queries: JSON Lines, one {\"id\": …, \"text\": …} per line, embedded with the index's model (or --model, "
                        + "which must be that same model: its weights digest and pooling are checked). Output: JSON Lines, one "
                        + "line per query in query order: {\"query_id\", \"query\", \"hits\": [{\"doc_id\", \"score\", \"text\"}, …]}, "
                        + "best first; nezha rerank and nezha eval --task retrieval --run read it."})
final class SearchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--index", required = true, paramLabel = "INDEX", description = "Index directory (nezha index).")
    Path index;

    @Option(names = "--queries", required = true, paramLabel = "FILE", description = "Queries (JSON Lines with id and text).")
    Path queries;

    @Option(names = "--top-k", defaultValue = "10", paramLabel = "K", description = "Hits per query, at most the index size. Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--output", required = true, paramLabel = "OUT.jsonl", description = "Results file; replaced whole.")
    Path output;

    @Option(names = "--model", paramLabel = "DIR", description = "The index's model at another path. Default: the path the index records.")
    Path model;

    @Option(names = "--exact", description = "Score every indexed vector (exact; linear in the corpus) instead of walking the HNSW graph.")
    boolean exact;

    @Option(names = "--ef-search", defaultValue = "100", paramLabel = "N",
            description = "HNSW: candidates the graph search keeps per query, at least K (more: better recall, slower). Default: ${DEFAULT-VALUE}.")
    int efSearch;

    @Option(names = "--keep-identical-ids", description = "Keep a hit whose doc id is its query's id. By default it is left out "
            + "(and one more hit fetched), as BEIR's ignore_identical_ids: a query that is also in the corpus would find itself first.")
    boolean keepIdenticalIds;

    @Mixin EncoderOptions encoderOptions;

    @Mixin RuntimeOptions runtime;

    @Override
    public Integer call() {
        runtime.apply();
        OutputPaths.requireWritableFile(output);
        long start = System.nanoTime();
        try (VectorIndex opened = VectorIndex.open(index); ConsoleProgress progress = ConsoleProgress.on(spec.commandLine().getErr())) {
            IndexSearch search = new IndexSearch(opened, index, topK, exact ? VectorIndex.Mode.EXACT : VectorIndex.Mode.HNSW, efSearch,
                    !keepIdenticalIds);
            IdentifiedTexts texts = IdentifiedTexts.read(queries);
            var results = encoderOptions.embedder().search(search, model, texts, runtime, progress);
            OutputPaths.createDirectory(output.toAbsolutePath().getParent());
            SearchResults.write(output, results);
            double seconds = (System.nanoTime() - start) / 1e9;
            spec.commandLine().getOut().println(String.format(Locale.ROOT, "searched %,d queries in %,d texts (%s, top %d) in %s -> %s",
                    texts.size(), opened.size(), exact ? "exact" : "HNSW ef_search " + efSearch, topK, Summary.duration(seconds), output));
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
