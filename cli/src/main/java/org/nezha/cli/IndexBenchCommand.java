package org.nezha.cli;

import static org.nezha.cli.BenchOutput.num;
import static org.nezha.cli.BenchOutput.positive;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import org.nezha.core.InputException;
import org.nezha.core.OptionChecks;
import org.nezha.core.bench.IndexBenchmark;
import org.nezha.core.retrieval.HnswSettings;

/** {@code nezha bench index}: the HNSW vector index's build time, query latency and recall on random vectors. */
@Command(name = "index", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time the vector index (Lucene HNSW, dot product of L2-normalised vectors) on --vectors random unit "
                + "vectors (Gaussian components, normalised, from --seed): with no clusters to exploit, the hardest case "
                + "for a graph index, so real embeddings usually reach a recall at a lower efSearch.",
                "The index is built once in a temporary directory under --work-dir (deleted afterwards, also on failure): "
                        + "build s covers writing vectors.npy, docs.jsonl and the Lucene index, the HNSW graph built on every "
                        + "core, and the force-merge to one segment. Exact top-k of every query (libtorch matmul) is the "
                        + "reference.",
                "Each row, one per --ef-search: 200 untimed queries, then the --queries queries one at a time (the "
                        + "latency an interactive user sees, not throughput): p50/p99/mean ms, and recall@k = the mean "
                        + "fraction of a query's exact top k that the index returns.",
                "Memory: the vectors stay in the Java heap while the index is built (a million of dimension 768 are "
                        + "3 GiB, with the builder's buffers about 6 GiB): give the JVM room with NEZHA_JAVA_OPTS=-Xmx8g."})
final class IndexBenchCommand implements Callable<Integer> {
    @Option(names = "--vectors", defaultValue = "1000000", paramLabel = "N", description = "Vectors indexed. Default: ${DEFAULT-VALUE}.")
    int vectors;

    @Option(names = "--dim", defaultValue = "768", paramLabel = "D", description = "Their dimension (at most 1024). Default: ${DEFAULT-VALUE}.")
    int dim;

    @Option(names = "--queries", defaultValue = "1000", paramLabel = "Q", description = "Query vectors, timed one at a time. Default: ${DEFAULT-VALUE}.")
    int queries;

    @Option(names = "--k", defaultValue = "10", paramLabel = "K", description = "Neighbours per query (recall@K). Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(names = "--m", defaultValue = "16", paramLabel = "M", description = "HNSW neighbours per node. Default: ${DEFAULT-VALUE}.")
    int m;

    @Option(names = "--ef-construction", defaultValue = "100", paramLabel = "EF",
            description = "HNSW candidates per insertion while building. Default: ${DEFAULT-VALUE}.")
    int efConstruction;

    @Option(names = "--ef-search", split = ",", defaultValue = "50,100,200,400", paramLabel = "EF",
            description = "HNSW candidates per search, one row each (comma-separated). Default: ${DEFAULT-VALUE}.")
    List<Integer> efSearch;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed of the vectors and queries. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where the temporary index is built (needs about twice the vectors' size free). Default: java.io.tmpdir.")
    Path workDir = Path.of(System.getProperty("java.io.tmpdir"));

    @Option(names = "--vectors-file", paramLabel = "FILE.npy", description = "Real vectors instead of random ones: a float32 .npy "
            + "of unit vectors (nezha embed writes one); its last --queries rows are held out as the queries, the rest indexed "
            + "(--vectors, --dim and --seed do not apply).")
    Path vectorsFile;

    @Option(names = "--json", description = "Print a JSON array (one object per --ef-search) instead of a table.")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        OptionChecks.atLeast("--vectors", vectors, 1);
        OptionChecks.atLeast("--dim", dim, 1);
        OptionChecks.atLeast("--queries", queries, 1);
        OptionChecks.atLeast("--k", k, 1);
        if (vectorsFile == null && k > vectors) throw new InputException("--k " + k + ": must be at most --vectors " + vectors);
        positive("--ef-search", efSearch);
        var settings = new IndexBenchmark.Settings(vectors, dim, queries, k, new HnswSettings(m, efConstruction), efSearch, seed, workDir,
                vectorsFile);
        PrintWriter out = spec.commandLine().getOut();
        IndexBenchmark.Result result;
        try (ConsoleProgress progress = ConsoleProgress.on(spec.commandLine().getErr())) {
            result = IndexBenchmark.run(settings, progress);
        }
        if (json) BenchOutput.printJson(out, result.toMaps());
        else printTable(out, result);
        out.flush();
        return 0;
    }

    private static void printTable(PrintWriter out, IndexBenchmark.Result r) {
        IndexBenchmark.Settings s = r.settings();
        out.printf(Locale.ROOT, "%,d vectors of dimension %d, HNSW m %d, efConstruction %d: built in %.1f s, %.0f MiB (HNSW %.0f MiB); "
                        + "exact search of %,d queries %.1f s%n", s.vectors(), s.dimension(), s.hnsw().m(), s.hnsw().efConstruction(),
                r.buildSeconds(), r.indexBytes() / 1048576.0, r.hnswBytes() / 1048576.0, s.queries(), r.exactSeconds());
        out.printf("%9s %9s %9s %9s %10s%n", "efSearch", "p50 ms", "p99 ms", "mean ms", "recall@" + s.k());
        for (IndexBenchmark.Row row : r.rows()) {
            out.printf(Locale.ROOT, "%9d %9s %9s %9s %10s%n", row.efSearch(), num(row.p50Millis(), 3), num(row.p99Millis(), 3),
                    num(row.meanMillis(), 3), num(row.recall(), 4));
        }
    }
}
