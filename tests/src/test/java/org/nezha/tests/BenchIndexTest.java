package org.nezha.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.bench.IndexBenchmark;
import org.nezha.core.io.Npy;

/** {@code nezha bench index}: a table (or JSON) row per efSearch with latency and recall; the temporary index is gone after. */
class BenchIndexTest {
    @TempDir
    Path dir;

    @Test
    void tableHasARowPerEfSearchWithRecall() throws Exception {
        Cli table = Cli.run("bench", "index", "--vectors", "2000", "--dim", "32", "--queries", "50", "--ef-search", "10,100",
                "--work-dir", dir.toString());
        assertEquals(0, table.exitCode(), table::toString);
        List<String> lines = table.out().lines().toList();
        assertTrue(lines.get(0).startsWith("2,000 vectors of dimension 32, HNSW m 16, efConstruction 100: built in "), table::toString);
        assertTrue(lines.get(1).matches(" *efSearch +p50 ms +p99 ms +mean ms +recall@10"), table::toString);
        assertTrue(lines.get(2).matches(" +10( +\\d+\\.\\d+){4}") && lines.get(3).matches(" +100( +\\d+\\.\\d+){4}"), table::toString);
        double recallAt100 = Double.parseDouble(lines.get(3).trim().split(" +")[4]);
        assertTrue(recallAt100 > 0.9, "2,000 vectors of dimension 32 at efSearch 100: " + recallAt100);
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "the temporary index is deleted");
        }

        Cli json = Cli.run("bench", "index", "--vectors", "300", "--dim", "8", "--queries", "5", "--ef-search", "20", "--m", "8",
                "--work-dir", dir.toString(), "--json");
        assertEquals(0, json.exitCode(), json::toString);
        JsonNode rows = new ObjectMapper().readTree(json.out());
        assertEquals(1, rows.size());
        for (String field : List.of("vectors", "dimension", "m", "ef_construction", "ef_search", "p50_ms", "p99_ms", "recall", "build_s",
                "index_bytes")) {
            assertTrue(rows.get(0).has(field), field + " in " + rows);
        }
        assertEquals(8, rows.get(0).get("m").asInt());
    }

    /** Vectors from a file (nezha embed's .npy): its last --queries rows are the queries, the others the index. */
    @Test
    void vectorsFromAFileHoldOutTheirLastRowsAsQueries() throws Exception {
        Path npy = dir.resolve("vectors.npy");
        Npy.write(npy, IndexBenchmark.randomUnitVectors(120, 16, 5), 16);
        Cli table = Cli.run("bench", "index", "--vectors-file", npy.toString(), "--queries", "20", "--ef-search", "100", "--work-dir",
                dir.toString());
        assertEquals(0, table.exitCode(), table::toString);
        assertTrue(table.out().startsWith("100 vectors of dimension 16,"), table::toString);
        double recall = Double.parseDouble(table.out().lines().toList().get(2).trim().split(" +")[4]);
        assertEquals(1.0, recall, 0, "efSearch 100 over 100 vectors visits them all");
        Cli tooFew = Cli.run("bench", "index", "--vectors-file", npy.toString(), "--queries", "115");
        assertEquals(2, tooFew.exitCode());
        assertTrue(tooFew.err().contains("has 120 vectors: too few for 115 held-out queries"), tooFew::toString);
    }

    @Test
    void badOptionsAreOneLine() {
        Cli k = Cli.run("bench", "index", "--vectors", "5", "--k", "6");
        assertEquals(2, k.exitCode());
        assertTrue(k.err().contains("--k 6: must be at most --vectors 5"), k::toString);
        Cli m = Cli.run("bench", "index", "--vectors", "50", "--m", "1");
        assertEquals(2, m.exitCode());
        assertTrue(m.err().contains("HNSW m must be in [2, 512], got 1"), m::toString);
    }
}
