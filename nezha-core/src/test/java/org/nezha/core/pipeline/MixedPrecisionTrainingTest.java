package org.nezha.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

import org.bytedeco.pytorch.Device;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.nezha.core.tensor.ComputeDevice;
import org.nezha.core.train.Precision;

/**
 * Mixed-precision pretraining tracks fp32 on the same data and seed, and LAMB trains. On the CPU in
 * CI (libtorch's CPU autocast does bf16 and fp16), on CUDA when a GPU is there.
 */
class MixedPrecisionTrainingTest {
    static final int STEPS = 30;

    static double[] losses(Path metrics) throws Exception {
        return Files.readAllLines(metrics).stream().map(PretrainJobTest::parse).mapToDouble(j -> j.get("loss").asDouble())
                .toArray();
    }

    static double[] run(Path dir, Execution execution) throws Exception {
        PretrainJob.Settings s = PretrainJobTest.settings(dir, STEPS);
        s.checkpointEvery = 0;
        return losses(new PretrainJob(s, execution, Progress.SILENT).run().metricsFile());
    }

    static void assertTracks(double[] reference, double[] mixed, double tolerance, String what) {
        assertEquals(reference.length, mixed.length);
        assertTrue(reference[reference.length - 1] < reference[0] - 0.5, "fp32 learns: " + reference[0] + " -> " + reference[reference.length - 1]);
        for (int i = 0; i < reference.length; i++) {
            assertEquals(reference[i], mixed[i], tolerance, what + ": logged loss " + i + " of " + java.util.Arrays.toString(mixed)
                    + " vs fp32 " + java.util.Arrays.toString(reference));
        }
    }

    @ParameterizedTest
    @CsvSource({"fused,bf16", "fused,fp16", "eager,bf16"})
    void halfPrecisionLossTracksFp32OnTheCpu(String attention, String precision, @TempDir Path dir) throws Exception {
        Device cpu = new Device("cpu");
        double[] fp32 = run(dir.resolve("fp32"), new Execution(attention, cpu, Precision.FP32));
        double[] half = run(dir.resolve(precision), new Execution(attention, cpu, Precision.parse(precision)));
        assertTracks(fp32, half, 0.15, attention + " " + precision);
    }

    @Test
    void fp16LogsItsLossScale(@TempDir Path dir) throws Exception {
        PretrainJob.Settings s = PretrainJobTest.settings(dir, 10);
        s.checkpointEvery = 0;
        Path metrics = new PretrainJob(s, new Execution("fused", new Device("cpu"), Precision.FP16), Progress.SILENT).run()
                .metricsFile();
        JsonNode last = PretrainJobTest.parse(Files.readAllLines(metrics).getLast());
        assertTrue(last.get("loss_scale").asDouble() >= 1, last.toString());
        assertTrue(last.has("skipped_steps"), last.toString());
    }

    @Test
    void lambLearns(@TempDir Path dir) throws Exception {
        PretrainJob.Settings s = PretrainJobTest.settings(dir, STEPS);
        s.checkpointEvery = 0;
        s.optimizer = "lamb";
        s.epsilon = 1e-4;
        s.learningRate = 5e-2;
        double[] losses = losses(new PretrainJob(s, Execution.cpu("fused"), Progress.SILENT).run().metricsFile());
        assertTrue(losses[losses.length - 1] < losses[0] - 0.5, java.util.Arrays.toString(losses));
    }

    @ParameterizedTest
    @CsvSource({"bf16", "fp16"})
    void halfPrecisionLossTracksFp32OnCuda(String precision, @TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(ComputeDevice.cudaAvailable(), "no CUDA device");
        Device gpu = new Device("cuda:0");
        double[] fp32 = run(dir.resolve("fp32"), new Execution("fused", gpu, Precision.FP32));
        double[] half = run(dir.resolve(precision), new Execution("fused", gpu, Precision.parse(precision)));
        assertTracks(fp32, half, 0.15, "cuda " + precision);
    }
}
