package org.nezha.core.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.InputException;
import org.nezha.core.io.FileTrees;
import org.nezha.core.io.IoErrors;
import org.nezha.core.io.Npy;
import org.nezha.core.retrieval.ExactSearch;
import org.nezha.core.retrieval.HnswSettings;
import org.nezha.core.retrieval.ModelIdentity;
import org.nezha.core.retrieval.VectorIndex;
import org.nezha.core.pipeline.Progress;

/**
 * The vector index on random unit vectors (Gaussian, normalised: no clusters to exploit, the hardest case for a
 * graph index): build time and size, then per efSearch the latency of single queries, one at a time as an
 * interactive user sends them, and recall@k against exact search of the same queries in the same run.
 */
public final class IndexBenchmark {
    /**
     * What to measure; the index is built in a temporary directory under {@code workDir} and deleted afterwards.
     * {@code vectorsFile}: a float32 .npy of unit vectors (e.g. {@code nezha embed}'s) to use instead of random ones,
     * its last {@code queries} rows held out as the queries; {@code vectors} and {@code dimension} are then the file's.
     */
    public record Settings(int vectors, int dimension, int queries, int k, HnswSettings hnsw, List<Integer> efSearch, long seed,
            Path workDir, Path vectorsFile) {}

    /** One efSearch: single-query latency percentiles (ms) and recall@k. */
    public record Row(int efSearch, double p50Millis, double p99Millis, double meanMillis, double recall) {}

    /** The build and the rows. */
    public record Result(Settings settings, double buildSeconds, double exactSeconds, long indexBytes, long hnswBytes, List<Row> rows) {
        public List<Map<String, Object>> toMaps() {
            List<Map<String, Object>> maps = new ArrayList<>();
            for (Row r : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("vectors", settings.vectors());
                m.put("dimension", settings.dimension());
                m.put("queries", settings.queries());
                m.put("k", settings.k());
                m.put("m", settings.hnsw().m());
                m.put("ef_construction", settings.hnsw().efConstruction());
                m.put("ef_search", r.efSearch());
                m.put("p50_ms", r.p50Millis());
                m.put("p99_ms", r.p99Millis());
                m.put("mean_ms", r.meanMillis());
                m.put("recall", r.recall());
                m.put("build_s", buildSeconds);
                m.put("exact_s", exactSeconds);
                m.put("index_bytes", indexBytes);
                m.put("hnsw_bytes", hnswBytes);
                maps.add(m);
            }
            return maps;
        }
    }

    /** Untimed queries before each efSearch's timed ones: JIT compilation and the graph's pages in memory. */
    private static final int WARMUP_QUERIES = 200;
    /** Rows generated per random stream: generation runs in parallel and stays the same for a seed. */
    private static final int ROWS_PER_STREAM = 4096;

    private IndexBenchmark() {}

    public static Result run(Settings asked, Progress progress) {
        float[] corpus, queries;
        Settings s = asked;
        if (asked.vectorsFile() == null) {
            requireHeap(s);
            progress.info(String.format(Locale.ROOT, "bench index: %,d random unit vectors of dimension %d, %,d queries", s.vectors(),
                    s.dimension(), s.queries()));
            corpus = randomUnitVectors(s.vectors(), s.dimension(), s.seed());
            queries = randomUnitVectors(s.queries(), s.dimension(), ~s.seed());
        } else {
            Npy.Matrix file = Npy.read(asked.vectorsFile());
            int indexed = file.rows() - asked.queries();
            if (indexed < asked.k()) {
                throw InputException.in(asked.vectorsFile(), "has " + file.rows() + " vectors: too few for " + asked.queries()
                        + " held-out queries and an index of at least --k " + asked.k());
            }
            s = new Settings(indexed, file.columns(), asked.queries(), asked.k(), asked.hnsw(), asked.efSearch(), asked.seed(),
                    asked.workDir(), asked.vectorsFile());
            progress.info(String.format(Locale.ROOT, "bench index: %,d vectors of dimension %d from %s, its last %,d rows the queries",
                    indexed, file.columns(), asked.vectorsFile(), s.queries()));
            corpus = Arrays.copyOfRange(file.values(), 0, indexed * file.columns());
            queries = Arrays.copyOfRange(file.values(), indexed * file.columns(), file.values().length);
        }
        long start = System.nanoTime();
        ExactSearch.Hits truth = exactTopK(corpus, queries, s.dimension(), s.k());
        double exactSeconds = (System.nanoTime() - start) / 1e9;
        progress.info(String.format(Locale.ROOT, "bench index: exact search of all queries %.1f s", exactSeconds));
        Path dir = temporaryDirectory(s.workDir());
        try {
            Path indexDir = dir.resolve("index");
            List<String> ids = IntStream.range(0, s.vectors()).mapToObj(Integer::toString).toList();
            var manifest = VectorIndex.build(indexDir, corpus, s.dimension(), ids, null,
                    new ModelIdentity(s.vectorsFile() != null ? "vectors of " + s.vectorsFile()
                    : "random-unit-vectors-seed-" + s.seed(), null, "none"), s.hnsw(), false, progress);
            corpus = null; // on disk in the index now: the heap need not hold it while searching
            long indexBytes = bytesUnder(indexDir), hnswBytes = bytesUnder(indexDir.resolve(VectorIndex.HNSW_DIR));
            List<Row> rows = new ArrayList<>();
            try (VectorIndex index = VectorIndex.open(indexDir)) {
                for (int ef : s.efSearch()) {
                    Row row = measure(index, queries, truth, s, ef);
                    progress.info(String.format(Locale.ROOT, "bench index: efSearch %d: p50 %.2f ms, recall@%d %.3f", ef, row.p50Millis(), s.k(),
                            row.recall()));
                    rows.add(row);
                }
            }
            return new Result(s, manifest.buildSeconds(), exactSeconds, indexBytes, hnswBytes, rows);
        } finally {
            deleteQuietly(dir);
        }
    }

    /** The vectors, their ids and the index builder's in-memory segments must fit the heap at once. */
    private static void requireHeap(Settings s) {
        long needed = (long) s.vectors() * s.dimension() * Float.BYTES + (long) s.vectors() * 64 + (2L << 30);
        long max = Runtime.getRuntime().maxMemory();
        if (max < needed) {
            throw new InputException(String.format(Locale.ROOT, "%,d vectors of dimension %d need about %d GiB of Java heap, this JVM may use %.1f: "
                    + "run with NEZHA_JAVA_OPTS=-Xmx%dg", s.vectors(), s.dimension(), (needed >> 30) + 1, max / (double) (1L << 30),
                    (needed >> 30) + 2));
        }
    }

    private static Row measure(VectorIndex index, float[] queries, ExactSearch.Hits truth, Settings s, int ef) {
        for (int q = 0; q < Math.min(WARMUP_QUERIES, s.queries()); q++) searchOne(index, queries, q, s, ef);
        long[] nanos = new long[s.queries()];
        int[][] found = new int[s.queries()][];
        for (int q = 0; q < s.queries(); q++) {
            long start = System.nanoTime();
            found[q] = searchOne(index, queries, q, s, ef).indices()[0];
            nanos[q] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        double mean = Arrays.stream(nanos).average().orElse(Double.NaN) / 1e6;
        return new Row(ef, percentile(nanos, 0.50) / 1e6, percentile(nanos, 0.99) / 1e6, mean,
                recall(found, truth.indices()));
    }

    private static ExactSearch.Hits searchOne(VectorIndex index, float[] queries, int q, Settings s, int ef) {
        float[] query = Arrays.copyOfRange(queries, q * s.dimension(), (q + 1) * s.dimension());
        return index.search(query, s.dimension(), s.k(), VectorIndex.Mode.HNSW, ef);
    }

    /** The nearest-rank percentile of sorted values. */
    private static double percentile(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
    }

    /** The mean over queries of the fraction of the true top k that {@code found} has (recall@k). */
    public static double recall(int[][] found, int[][] truth) {
        double sum = 0;
        for (int q = 0; q < truth.length; q++) {
            int[] mine = found[q].clone();
            Arrays.sort(mine);
            long hits = Arrays.stream(truth[q]).filter(row -> Arrays.binarySearch(mine, row) >= 0).count();
            sum += hits / (double) truth[q].length;
        }
        return sum / truth.length;
    }

    /**
     * Exact top k by libtorch's matmul: ExactSearch's array path scores one pair at a time, which for a million
     * vectors and a thousand queries takes many minutes. The tensor views the array's native copy, one copy only.
     */
    private static ExactSearch.Hits exactTopK(float[] corpus, float[] queries, int dim, int k) {
        try (PointerScope scope = new PointerScope();
             FloatPointer corpusData = new FloatPointer(corpus);
             FloatPointer queryData = new FloatPointer(queries)) {
            TensorOptions floats = new TensorOptions(ScalarType.Float);
            Tensor corpusTensor = torch.from_blob(corpusData, new long[] {corpus.length / dim, dim}, floats);
            Tensor queryTensor = torch.from_blob(queryData, new long[] {queries.length / dim, dim}, floats);
            return ExactSearch.topK(corpusTensor, queryTensor, k);
        }
    }

    /** {@code count} vectors of {@code dim} standard normal components scaled to unit length, the same for a seed. */
    public static float[] randomUnitVectors(int count, int dim, long seed) {
        float[] vectors = new float[Math.multiplyExact(count, dim)];
        int streams = (count + ROWS_PER_STREAM - 1) / ROWS_PER_STREAM;
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom[] randoms = new SplittableRandom[streams];
        for (int i = 0; i < streams; i++) randoms[i] = root.split();
        IntStream.range(0, streams).parallel().forEach(stream -> {
            SplittableRandom random = randoms[stream];
            for (int row = stream * ROWS_PER_STREAM; row < Math.min(count, (stream + 1) * ROWS_PER_STREAM); row++) {
                double squaredNorm = 0;
                for (int i = row * dim; i < (row + 1) * dim; i++) {
                    vectors[i] = (float) random.nextGaussian();
                    squaredNorm += (double) vectors[i] * vectors[i];
                }
                float scale = (float) (1 / Math.sqrt(squaredNorm));
                for (int i = row * dim; i < (row + 1) * dim; i++) vectors[i] *= scale;
            }
        });
        return vectors;
    }

    private static Path temporaryDirectory(Path workDir) {
        try {
            Files.createDirectories(workDir);
            return Files.createTempDirectory(workDir, "nezha-bench-index-");
        } catch (IOException e) {
            throw InputException.in(workDir, "cannot create a temporary directory: " + IoErrors.reason(e));
        }
    }

    private static long bytesUnder(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            throw InputException.in(dir, "cannot measure: " + IoErrors.reason(e));
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            FileTrees.deleteRecursively(dir);
        } catch (IOException ignored) {
            // the benchmark's result (or failure) matters more than a leftover temporary directory
        }
    }
}
