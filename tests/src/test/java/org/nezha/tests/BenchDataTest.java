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

/** {@code nezha bench data}: one row per length and masking scheme, from text or shards; bad options as one line. */
class BenchDataTest {
    @TempDir
    Path dir;

    @Test
    void rowsPerLengthAndSchemeFromTextAndShards() throws Exception {
        Path corpus = Files.write(dir.resolve("corpus.txt"), Files.readAllLines(Fixtures.CORPUS).subList(0, 60));
        Cli text = Cli.run("bench", "data", "--train", corpus.toString(), "--vocab", Fixtures.VOCAB.toString(), "--seq-len",
                "32,64", "--masking", "token,ngram", "--batch-size", "8", "--seconds", "0.05", "--json");
        assertEquals(0, text.exitCode(), text::toString);
        JsonNode rows = new ObjectMapper().readTree(text.out());
        assertEquals(4, rows.size(), "2 lengths × 2 schemes");
        for (JsonNode row : rows) {
            for (String field : List.of("seq_len", "batch_size", "masking", "next_sentence", "instances", "pack_s", "batches",
                    "tokens_per_s", "sequences_per_s", "seconds", "resident_bytes")) {
                assertTrue(row.has(field), field + " in " + row);
            }
            assertTrue(row.get("tokens_per_s").asDouble() > 0 && row.get("batches").asLong() > 0, row::toString);
        }

        Path shards = dir.resolve("shards");
        Cli prepare = Cli.run("prepare", "--corpus", corpus.toString(), "--vocab", Fixtures.VOCAB.toString(), "--seq-len", "64",
                "--output", shards.toString());
        assertEquals(0, prepare.exitCode(), prepare::toString);
        Cli table = Cli.run("bench", "data", "--data", shards.toString(), "--vocab", Fixtures.VOCAB.toString(), "--masking",
                "wwm", "--nsp", "--seq-len", "64", "--seconds", "0.05");
        assertEquals(0, table.exitCode(), table::toString);
        assertTrue(table.out().contains("tokens/s") && table.out().contains(" wwm ") && table.out().contains(" yes "), table::toString);
    }

    @Test
    void badOptionsAreOneLine() {
        Cli noCorpus = Cli.run("bench", "data", "--vocab", Fixtures.VOCAB.toString());
        assertEquals(2, noCorpus.exitCode());
        assertTrue(noCorpus.err().contains("give the corpus: --data DIR or --train FILE..."), noCorpus::toString);
        Cli scheme = Cli.run("bench", "data", "--train", Fixtures.CORPUS.toString(), "--vocab", Fixtures.VOCAB.toString(),
                "--masking", "span");
        assertEquals(2, scheme.exitCode());
        assertTrue(scheme.err().contains("--masking: unknown scheme 'span'"), scheme::toString);
    }
}
