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
import org.nezha.core.pipeline.SentenceEncoder;
import org.nezha.core.retrieval.HnswSettings;
import org.nezha.core.retrieval.IdentifiedTexts;
import org.nezha.core.retrieval.IndexManifest;
import org.nezha.core.retrieval.VectorIndex;

/** {@code nezha index}: embeds a corpus and builds its vector index. */
@Command(name = "index", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Embed a corpus with a sentence-embedding model and build a vector index for nezha search.",
                "Corpus: JSON Lines, one {\"id\": …, \"text\": …} per line (BEIR's corpus.jsonl). The index directory holds "
                        + "index.json (size, dimension, the model's path, weights digest and pooling, HNSW settings), "
                        + "docs.jsonl (ids and texts), vectors.npy and hnsw/ (Apache Lucene's HNSW graph); it is written whole "
                        + "or not at all. nezha search embeds queries with the same model and refuses another one."})
final class IndexCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory that embeds the corpus (and later the queries).")
    Path model;

    @Option(names = "--corpus", required = true, paramLabel = "FILE", description = "Texts to index (JSON Lines with id and text).")
    Path corpus;

    @Option(names = "--output", required = true, paramLabel = "INDEX", description = "Index directory to create.")
    Path output;

    @Option(names = "--m", defaultValue = "16", paramLabel = "M",
            description = "HNSW: neighbours per node (more: better recall, bigger and slower to build). Default: ${DEFAULT-VALUE}.")
    int m;

    @Option(names = "--ef-construction", defaultValue = "100", paramLabel = "N",
            description = "HNSW: candidates weighed when linking a node (more: better graph, slower build). Default: ${DEFAULT-VALUE}.")
    int efConstruction;

    @Option(names = "--overwrite", description = "Replace an existing non-empty index directory.")
    boolean overwrite;

    @Mixin EncoderOptions encoderOptions;

    @Mixin RuntimeOptions runtime;

    @Override
    public Integer call() {
        runtime.apply();
        HnswSettings hnsw = new HnswSettings(m, efConstruction);
        OutputPaths.requireUsableDirectory(output, overwrite);
        SentenceEncoder encoder = encoderOptions.embedder().load(model, runtime);
        IdentifiedTexts texts = IdentifiedTexts.read(corpus);
        long start = System.nanoTime();
        IndexManifest manifest;
        try (ConsoleProgress progress = ConsoleProgress.on(spec.commandLine().getErr())) {
            float[] vectors = encoderOptions.embedder().encode(encoder, texts.texts(), "embed", progress);
            manifest = VectorIndex.build(output, vectors, encoder.dimension(), texts.ids(), texts.texts(), encoder.identity(), hnsw,
                    overwrite, progress);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        spec.commandLine().getOut().println(String.format(Locale.ROOT, "indexed %,d texts (%d dimensions, %s pooling, HNSW m=%d "
                + "ef_construction=%d) in %s -> %s", manifest.count(), manifest.dimension(), encoder.pooling(), m, efConstruction,
                Summary.duration(seconds), output));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
