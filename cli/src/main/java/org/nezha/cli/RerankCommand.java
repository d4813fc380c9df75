package org.nezha.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import org.nezha.core.io.OutputPaths;
import org.nezha.core.pipeline.FineTunedModel;
import org.nezha.core.retrieval.CrossEncoderReranker;
import org.nezha.core.retrieval.SearchResults;
import org.nezha.core.task.TaskOptions;

/** {@code nezha rerank}: reorders search results with a sentence-pair classifier (a cross-encoder). */
@Command(name = "rerank", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Rerank search results with a sentence-pair classifier fine-tuned with nezha finetune --task pair: it reads "
                + "each query with the text of each of its first N hits ([CLS] query [SEP] hit [SEP]), all pairs in one batched "
                + "pass, and scores the pair with the probability of the positive label.",
                "Writes the search results format (JSON Lines, one line per query in input order): the first N hits of each "
                        + "query reordered by that score, best first (ties keep their order), each with its first-stage score "
                        + "as \"retrieval_score\" and the new one as \"score\". Hits beyond the first N are dropped (not "
                        + "read, so not placed), and so are hits scoring below --threshold. Every query and each of its first "
                        + "N hits must have its text."})
final class RerankCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "Sentence-pair classifier directory (nezha finetune --task pair's best/).")
    Path modelDir;

    @Option(names = "--candidates", required = true, paramLabel = "RESULTS", description = "Search results to rerank (as nezha search writes them).")
    Path candidates;

    @Option(names = "--top-n", required = true, paramLabel = "N", description = "Hits per query to rerank; the others are dropped.")
    int topN;

    @Option(names = "--threshold", paramLabel = "T", description = "Drop reranked hits scoring below T (in [0, 1]). Default: keep all.")
    Double threshold;

    @Option(names = "--positive-label", paramLabel = "L",
            description = "The model's label for a match, whose probability is the score. Default: "
                    + CrossEncoderReranker.DEFAULT_POSITIVE_LABEL + " (an error naming the model's labels if it has none such).")
    String positiveLabel;

    @Option(names = "--output", required = true, paramLabel = "RESULTS",
            description = "Where to write the reranked results: replaced whole (a temporary file is renamed over it); "
                    + "missing parent directories are created.")
    Path output;

    @Mixin InferenceOptions inference;

    @Mixin RuntimeOptions runtime;

    @Override
    public Integer call() {
        runtime.apply();
        CrossEncoderReranker.requireSettings(topN, threshold); // before loading anything
        OutputPaths.requireWritableFile(output);
        List<SearchResults.QueryHits> input = SearchResults.read(candidates);
        FineTunedModel<?, ?, ?> loaded = FineTunedModel.load(modelDir, runtime.execution(), null, TaskOptions.DEFAULTS);
        CrossEncoderReranker reranker = CrossEncoderReranker.of(loaded, positiveLabel, modelDir);
        long start = System.nanoTime();
        CrossEncoderReranker.Result result;
        try (ConsoleProgress progress = ConsoleProgress.on(spec.commandLine().getErr())) {
            result = reranker.rerank(input, candidates, topN, threshold, inference.seqLen(loaded), inference.batchSize(), progress);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        OutputPaths.createDirectory(output.toAbsolutePath().getParent());
        SearchResults.write(output, result.results());
        spec.commandLine().getOut().println(String.format(Locale.ROOT, """
                rerank done: %,d queries, %,d pairs scored in %s (%,.0f pairs/s) -> %s
                  dropped         %,d hits beyond --top-n, %,d below --threshold""", input.size(), result.pairsScored(),
                Summary.duration(seconds), result.pairsScored() / Math.max(seconds, 1e-9), output, result.hitsBeyondTopN(),
                result.hitsBelowThreshold()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
