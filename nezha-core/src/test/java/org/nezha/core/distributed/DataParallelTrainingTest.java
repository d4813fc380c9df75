package org.nezha.core.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.nezha.core.io.SafeTensors;
import org.nezha.core.tensor.ComputeDevice;
import org.nezha.core.tensor.Tensors;

/**
 * Data-parallel training is single-process training on the same global batch: 2 Gloo processes
 * on loopback, with and without gradient accumulation (no all-reduce on the non-final micro-steps),
 * end with the parameters of 1 process, within float32 reduction-order noise (1e-5 relative).
 */
class DataParallelTrainingTest {
    static final double TOLERANCE = 1e-5;

    @ParameterizedTest
    @ValueSource(strings = {"fused", "eager"})
    void twoProcessesEqualOneOnTheSameGlobalBatch(String attention, @TempDir Path dir) throws Exception {
        Map<String, Tensor> reference = train(dir.resolve("one"), 1, attention, 1).get(0);
        Map<String, Tensor> accumulated = train(dir.resolve("one-accumulating"), 1, attention, 2).get(0);
        assertClose(reference, accumulated, "1 process, 2 micro-batches");
        List<Map<String, Tensor>> two = train(dir.resolve("two"), 2, attention, 1);
        assertClose(reference, two.get(0), "2 processes, rank 0");
        assertClose(two.get(0), two.get(1), "rank 1 vs rank 0");
        List<Map<String, Tensor>> twoAccumulating = train(dir.resolve("two-accumulating"), 2, attention, 2);
        assertClose(reference, twoAccumulating.get(1), "2 processes, 2 micro-batches each, rank 1");
    }

    @Test
    void ncclWithOneRankTrainsLikeGlooOnTheCpu(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(ComputeDevice.cudaAvailable(), "no CUDA device");
        Map<String, Tensor> cpu = train(dir.resolve("gloo"), 1, "fused", 1).get(0);
        Map<String, Tensor> gpu = train(dir.resolve("nccl"), 1, "fused", 1, "cuda:0").get(0);
        assertClose(cpu, gpu, "NCCL world size 1 on cuda:0 vs Gloo on the CPU", 1e-3);
    }

    static List<Map<String, Tensor>> train(Path dir, int world, String attention, int accumulation, String... device)
            throws Exception {
        Files.createDirectories(dir);
        List<String> args = new java.util.ArrayList<>(List.of(attention, Integer.toString(accumulation), dir.toString()));
        args.addAll(List.of(device));
        List<LocalRanks.Result> results = LocalRanks.run(world, TrainingWorker.class, args.toArray(String[]::new));
        for (LocalRanks.Result r : results) assertEquals(0, r.exitCode(), "rank " + r.rank() + ":\n" + r.output());
        return results.stream().<Map<String, Tensor>>map(r -> SafeTensors.read(dir.resolve("rank" + r.rank() + ".safetensors")))
                .toList();
    }

    static void assertClose(Map<String, Tensor> expected, Map<String, Tensor> actual, String what) {
        assertClose(expected, actual, what, TOLERANCE);
    }

    static void assertClose(Map<String, Tensor> expected, Map<String, Tensor> actual, String what, double tolerance) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            float[] e = Tensors.toFloats(expected.get(name)), a = Tensors.toFloats(actual.get(name));
            double scale = 0;
            for (float v : e) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < e.length; i++) {
                double diff = Math.abs(e[i] - a[i]);
                assertTrue(diff <= tolerance * Math.max(scale, 1e-3),
                        what + ": " + name + "[" + i + "] " + a[i] + " vs " + e[i]);
            }
        }
    }
}
