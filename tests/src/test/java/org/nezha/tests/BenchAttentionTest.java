package org.nezha.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code nezha bench attention} on tiny shapes: the JSON contract, the table, profiling, bad options. */
class BenchAttentionTest {
    /** Tiny defaults, each replaceable by passing the same option with another value. */
    private static final String[] TINY = {"--seq", "7,33", "--batch", "1", "--heads", "2", "--head-dim", "16",
        "--max-relative-position", "4", "--warmup", "1", "--repeats", "2"};

    @Test
    void jsonHasOneObjectPerBackendShapeAndDtype() throws Exception {
        Cli r = Cli.run(args("--json"));
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode rows = new ObjectMapper().readTree(r.out());
        assertEquals(6, rows.size(), "3 backends × 2 lengths");
        for (JsonNode row : rows) {
            for (String field : List.of("backend", "device", "dtype", "batch", "heads", "seq", "head_dim", "fwd_ms",
                    "fwd_bwd_ms", "tflops", "peak_mem_bytes")) {
                assertTrue(row.has(field), field + " in " + row);
            }
            assertEquals("cpu", row.get("device").asText());
            assertEquals("float32", row.get("dtype").asText());
            assertTrue(row.get("fwd_ms").asDouble() > 0 && row.get("fwd_bwd_ms").asDouble() > 0, row.toString());
            assertEquals("sdpa", row.get("reference").asText());
            assertTrue(row.get("fwd_bwd_ratio").asDouble() > 0, row.toString());
        }
    }

    @Test
    void tableByDefaultAndProgressOnStandardError() {
        Cli r = Cli.run(args("--backend", "fused", "--seq", "9"));
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("fused") && l.contains("float32")), r.out());
        assertTrue(r.err().contains("fused float32"), r.err());
    }

    @Test
    void profileRunsTheLaunchesWithoutTimings() {
        Cli r = Cli.run(args("--profile", "--backend", "fused,eager"));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("", r.out());
        assertEquals(4, r.err().lines().filter(l -> l.startsWith("profiled 2 launches")).count(), r.err());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--backend|flash|--backend flash: choose from fused, eager, sdpa",
        "--dtype|int8|--dtype int8: choose float32, float16, bfloat16 or float64",
        "--device|tpu|--device tpu: choose cpu, cuda or cuda:N",
        "--seq|0|--seq 0: must be at least 1",
        "--repeats|0|--repeats must be at least 1",
        "--head-dim|15|--head-dim 15: must be even",
    })
    void badOptionsGetOneLine(String option, String value, String message) {
        Cli r = Cli.run(args(option, value));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.errorLine().contains(message), r.errorLine());
    }

    @Test
    void cudaWithoutAGpuIsAClearError() {
        org.junit.jupiter.api.Assumptions.assumeFalse(org.nezha.core.tensor.ComputeDevice.cudaAvailable(), "a GPU is present");
        Cli r = Cli.run(args("--device", "cuda"));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.errorLine().startsWith("nezha: error: --device cuda: "), r.errorLine());
    }

    /** {@code bench attention} with the tiny defaults; {@code extra} holds flags and option–value pairs. */
    private static String[] args(String... extra) {
        java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
        for (int i = 0; i < TINY.length; i += 2) options.put(TINY[i], TINY[i + 1]);
        List<String> flags = new java.util.ArrayList<>();
        for (int i = 0; i < extra.length; i++) {
            if (extra[i].equals("--json") || extra[i].equals("--profile")) flags.add(extra[i]);
            else options.put(extra[i], extra[++i]);
        }
        List<String> all = new java.util.ArrayList<>(List.of("bench", "attention"));
        options.forEach((k, v) -> {
            all.add(k);
            all.add(v);
        });
        all.addAll(flags);
        return all.toArray(String[]::new);
    }
}
