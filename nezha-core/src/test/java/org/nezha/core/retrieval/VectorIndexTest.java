package org.nezha.core.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.InputException;
import org.nezha.core.bench.IndexBenchmark;
import org.nezha.core.io.Npy;
import org.nezha.core.pipeline.Progress;

class VectorIndexTest {
    private static final ModelIdentity MODEL = new ModelIdentity("sha256:abc", "runs/model", "mean");
    private static final HnswSettings HNSW = HnswSettings.DEFAULT;

    @TempDir
    Path tmp;

    private static List<String> ids(int n) {
        return IntStream.range(0, n).mapToObj(i -> "doc-" + i).toList();
    }

    private static IndexManifest build(Path dir, float[] vectors, int dim, List<String> ids, List<String> texts) {
        return VectorIndex.build(dir, vectors, dim, ids, texts, MODEL, HNSW, false, Progress.SILENT);
    }

    @Test
    void buildAndOpenRoundTrip() throws Exception {
        int n = 50, dim = 8;
        float[] vectors = IndexBenchmark.randomUnitVectors(n, dim, 1);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) texts.add(i % 3 == 0 ? null : "text «" + i + "»\nline two");
        Path dir = tmp.resolve("index");
        IndexManifest built = build(dir, vectors, dim, ids(n), texts);

        try (VectorIndex index = VectorIndex.open(dir)) {
            assertEquals(n, index.size());
            assertEquals(dim, index.dimension());
            assertEquals(MODEL, index.model());
            assertEquals(built, index.manifest());
            for (int i = 0; i < n; i++) {
                assertEquals("doc-" + i, index.id(i));
                assertEquals(texts.get(i), index.text(i));
            }
        }
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("index.json").toFile());
        assertEquals("nezha-vector-index", manifest.get("format").asText());
        assertEquals(1, manifest.get("format_version").asInt());
        assertEquals("dot product of L2-normalised vectors (cosine)", manifest.get("similarity").asText());
        assertEquals("sha256:abc", manifest.at("/model/fingerprint").asText());
        assertEquals(16, manifest.at("/hnsw/m").asInt());
        assertEquals(100, manifest.at("/hnsw/ef_construction").asInt());
        assertTrue(manifest.get("lucene_version").asText().startsWith("10."));
        assertTrue(manifest.get("build_seconds").asDouble() > 0);
        List<String> docs = Files.readAllLines(dir.resolve("docs.jsonl"));
        assertEquals("{\"id\":\"doc-0\"}", docs.get(0), "no text: no text field");
        assertEquals("{\"id\":\"doc-1\",\"text\":\"text «1»\\nline two\"}", docs.get(1));
        assertArrayEquals(vectors, Npy.read(dir.resolve("vectors.npy")).values());
    }

    @Test
    void indexWithoutTextsHasNone() {
        Path dir = tmp.resolve("index");
        build(dir, IndexBenchmark.randomUnitVectors(3, 4, 2), 4, ids(3), null);
        try (VectorIndex index = VectorIndex.open(dir)) {
            assertNull(index.text(2));
        }
    }

    @Test
    void exactModeIsExactSearch() {
        int n = 300, dim = 16;
        float[] vectors = IndexBenchmark.randomUnitVectors(n, dim, 3);
        float[] queries = IndexBenchmark.randomUnitVectors(7, dim, 4);
        Path dir = tmp.resolve("index");
        build(dir, vectors, dim, ids(n), null);
        ExactSearch.Hits expected = ExactSearch.topK(vectors, queries, dim, 5);
        try (VectorIndex index = VectorIndex.open(dir)) {
            ExactSearch.Hits hits = index.search(queries, dim, 5, VectorIndex.Mode.EXACT, 0);
            assertArrayEquals(expected.indices(), hits.indices());
            assertArrayEquals(expected.scores(), hits.scores());
        }
    }

    /**
     * Random unit vectors have no structure for the graph to use: the hardest case. Measured with these seeds,
     * m 16, efConstruction 100, Lucene 10.3.2: recall@10 0.98 at efSearch 100. The bound 0.95 leaves room for
     * another Lucene version's graph (or the two build threads' different interleaving) while a broken search
     * (recall near 0.002, chance for 10 of 5,000) cannot pass.
     */
    @Test
    void hnswRecallAgainstExactSearch() {
        int n = 5000, dim = 64, k = 10;
        float[] vectors = IndexBenchmark.randomUnitVectors(n, dim, 5);
        float[] queries = IndexBenchmark.randomUnitVectors(200, dim, 6);
        Path dir = tmp.resolve("index");
        build(dir, vectors, dim, ids(n), null);
        ExactSearch.Hits exact = ExactSearch.topK(vectors, queries, dim, k);
        try (VectorIndex index = VectorIndex.open(dir)) {
            ExactSearch.Hits hnsw = index.search(queries, dim, k, VectorIndex.Mode.HNSW, 100);
            double recall = IndexBenchmark.recall(hnsw.indices(), exact.indices());
            assertTrue(recall >= 0.95, "recall@10 " + recall);
            for (int q = 0; q < 200; q++) {
                assertEquals(k, hnsw.indices()[q].length);
                for (int r = 0; r < k; r++) {
                    int row = hnsw.indices()[q][r];
                    float dot = ExactSearch.score(queries, q * dim, vectors, row * dim, dim);
                    assertEquals(dot, hnsw.scores()[q][r], 1e-5, "score of row " + row);
                    if (r > 0) assertTrue(hnsw.scores()[q][r - 1] >= hnsw.scores()[q][r], "best first");
                }
            }
        }
    }

    @Test
    void badBuildInputsAreClearErrors() {
        Path dir = tmp.resolve("index");
        float[] three = IndexBenchmark.randomUnitVectors(3, 4, 7);
        assertMessage(() -> build(dir, three, 4, List.of("a", "b", "a"), null), "duplicate document id 'a' (document 2)");
        assertMessage(() -> build(dir, three, 4, ids(2), null), "12 floats are not 2 vectors of dimension 4: give one vector per id");
        assertMessage(() -> build(dir, three, 4, ids(3), List.of("x")), "1 texts for 3 ids: give one text per id");
        assertMessage(() -> build(dir, new float[0], 0, List.of(), null), "vector dimension must be in [1, 1024], got 0");
        float[] unnormalised = three.clone();
        unnormalised[4] *= 3;
        assertMessage(() -> build(dir, unnormalised, 4, ids(3), null), "vector 1 (id 'doc-1') has L2 norm");
        assertFalse(Files.exists(dir));

        build(dir, three, 4, ids(3), null);
        assertMessage(() -> build(dir, three, 4, ids(3), null), "output directory is not empty (use --overwrite");
        VectorIndex.build(dir, three, 4, List.of("x", "y", "z"), null, MODEL, HNSW, true, Progress.SILENT);
        try (VectorIndex index = VectorIndex.open(dir)) {
            assertEquals("z", index.id(2));
        }
    }

    @Test
    void badSearchesAreClearErrors() {
        Path dir = tmp.resolve("index");
        build(dir, IndexBenchmark.randomUnitVectors(20, 8, 8), 8, ids(20), null);
        float[] query = IndexBenchmark.randomUnitVectors(1, 8, 9);
        try (VectorIndex index = VectorIndex.open(dir)) {
            assertMessage(() -> index.search(new float[4], 4, 1, VectorIndex.Mode.HNSW, 10), "query vectors have dimension 4, the index 8");
            assertMessage(() -> index.search(query, 8, 0, VectorIndex.Mode.HNSW, 10), "k must be in [1, 20] (the index size), got 0");
            assertMessage(() -> index.search(query, 8, 21, VectorIndex.Mode.EXACT, 10), "k must be in [1, 20] (the index size), got 21");
            assertMessage(() -> index.search(query, 8, 5, VectorIndex.Mode.HNSW, 0), "efSearch must be at least 1, got 0");
            assertEquals(20, index.search(query, 8, 20, VectorIndex.Mode.HNSW, 1).indices()[0].length, "k = size: every vector");
        }
    }

    @Test
    void brokenIndexesAreRefusedNamingTheFile() throws Exception {
        Path dir = tmp.resolve("index");
        build(dir, IndexBenchmark.randomUnitVectors(5, 4, 10), 4, ids(5), null);
        Path manifest = dir.resolve("index.json");
        String good = Files.readString(manifest);

        Files.writeString(manifest, "{not json");
        assertMessage(() -> VectorIndex.open(dir), manifest + ": not valid JSON");
        Files.writeString(manifest, good.replace("\"format_version\" : 1", "\"format_version\" : 2"));
        assertMessage(() -> VectorIndex.open(dir), manifest + ": vector index format version 2 is not the one this engine reads (1)");
        Files.writeString(manifest, good.replace("nezha-vector-index", "something-else"));
        assertMessage(() -> VectorIndex.open(dir), manifest + ": not a vector index manifest");
        Files.writeString(manifest, good.replace("\"count\" : 5", "\"count\" : 6"));
        assertMessage(() -> VectorIndex.open(dir), dir.resolve("docs.jsonl") + ": holds 5 documents; the index has 6");
        Files.delete(manifest);
        assertMessage(() -> VectorIndex.open(dir), manifest + ": missing: not a vector index directory");
    }

    @Test
    void aFailedBuildLeavesNothing() throws Exception {
        Path dir = tmp.resolve("index");
        Progress failing = new Progress() {
            @Override
            public void begin(String task, long total) {
                throw new IllegalStateException("interrupted by the test");
            }

            @Override
            public void advance(long done, String status) {}

            @Override
            public void end() {}

            @Override
            public void info(String line) {}
        };
        float[] vectors = IndexBenchmark.randomUnitVectors(10, 4, 11);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> VectorIndex.build(dir, vectors, 4, ids(10), null, MODEL, HNSW, false, failing));
        assertEquals("interrupted by the test", e.getMessage());
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "no index, no staging directory");
        }
    }

    private static void assertMessage(Executable call, String expected) {
        InputException e = assertThrows(InputException.class, call);
        assertTrue(e.getMessage().contains(expected), "expected «" + expected + "» in «" + e.getMessage() + "»");
    }
}
