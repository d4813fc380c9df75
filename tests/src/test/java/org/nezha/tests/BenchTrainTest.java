package org.nezha.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code nezha bench train} on a tiny config: the JSON contract, the table, bad options. */
class BenchTrainTest {
    @TempDir static Path dir;

    static String[] tiny(String... extra) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("bench", "train", "--model-config",
                Fixtures.tinyConfig(dir).toString(), "--seq-len", "16,33", "--batch-size", "2", "--steps", "2", "--warmup", "1"));
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }

    @Test
    void jsonHasOneObjectPerCaseWithTheContractFields() throws Exception {
        Cli r = Cli.run(tiny("--precision", "fp32,bf16", "--json"));
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode rows = new ObjectMapper().readTree(r.out());
        assertEquals(4, rows.size(), "2 precisions × 2 lengths");
        for (JsonNode row : rows) {
            for (String field : List.of("seq_len", "batch_size", "precision", "attention", "world_size", "tokens_per_s",
                    "seqs_per_s", "mfu", "peak_mem_bytes", "step_ms", "forward_ms", "backward_ms", "communication_ms",
                    "optimizer_ms", "matmul_peak_tflops", "model_tflops_per_step")) {
                assertTrue(row.has(field), field + " in " + row);
            }
            assertEquals(1, row.get("world_size").asInt());
            assertEquals("fused", row.get("attention").asText());
            int l = row.get("seq_len").asInt();
            double tokens = row.get("tokens_per_s").asDouble(), seqs = row.get("seqs_per_s").asDouble();
            assertTrue(tokens > 0, row.toString());
            assertEquals(tokens, seqs * l, tokens * 1e-9, "tokens = sequences × length");
            double mfu = row.get("mfu").asDouble();
            assertTrue(mfu > 0 && mfu < 1, "MFU " + mfu);
            double phases = row.get("forward_ms").asDouble() + row.get("backward_ms").asDouble()
                    + row.get("optimizer_ms").asDouble();
            assertTrue(phases > 0, row.toString());
        }
    }

    @Test
    void tableByDefaultWithProgressOnStandardError() throws Exception {
        Cli r = Cli.run(tiny("--attention", "eager,fused", "--seq-len", "9"));
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("eager") && l.contains("fp32")), r.out());
        assertEquals(2, r.err().lines().filter(l -> l.startsWith("bench train: seq 9 × batch 2")).count(), r.err());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--precision|fp8|--precision fp8: choose fp32, bf16 or fp16",
        "--attention|flash|flash",
        "--optimizer|sgd|--optimizer sgd: choose one of adamw, adam, adagrad, lamb",
        "--seq-len|2|--seq-len 2: must be at least 3",
        "--threads|-1|--threads must be >= 0",
        "--device|tpu|--device tpu: choose cpu, cuda or cuda:N",
    })
    void badOptionsGetOneLine(String option, String value, String message) throws Exception {
        Cli r = Cli.run(tiny(option, value));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.errorLine().contains(message), r.errorLine());
    }
}
