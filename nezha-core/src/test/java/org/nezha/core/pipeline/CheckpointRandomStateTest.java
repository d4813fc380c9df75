package org.nezha.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.io.SafeTensors;
import org.nezha.core.tensor.ComputeDevice;
import org.nezha.core.tensor.Tensors;

/** A checkpoint's generator states put back make the same random draws again: on the CPU, and on the training GPU. */
class CheckpointRandomStateTest {
    @Test
    void cpuDrawsRepeatAfterRestoring(@TempDir Path dir) {
        Device cpu = new Device("cpu");
        Map<String, Tensor> saved = Checkpoint.randomState(cpu);
        assertEquals(1, saved.size(), "only the CPU generator when training on the CPU");
        drawsRepeatAfterRestoring(dir.resolve(Checkpoint.RNG), saved, cpu);
    }

    @Test
    void gpuDrawsRepeatAfterRestoring(@TempDir Path dir) {
        Assumptions.assumeTrue(ComputeDevice.cudaAvailable(), "no CUDA device");
        Device gpu = new Device("cuda:0");
        Map<String, Tensor> saved = Checkpoint.randomState(gpu);
        assertEquals(2, saved.size(), "the CPU generator and the GPU's");
        drawsRepeatAfterRestoring(dir.resolve(Checkpoint.RNG), saved, gpu);
    }

    private static void drawsRepeatAfterRestoring(Path file, Map<String, Tensor> saved, Device device) {
        SafeTensors.write(file, saved, Map.of());
        float[] before = draws(device);
        Checkpoint.restoreRandomState(file, device);
        float[] again = draws(device);
        assertArrayEquals(before, again);
        assertFalse(Arrays.equals(again, draws(device)), "the generators move on");
    }

    /** A CPU draw (it seeds the fused attention's dropout) and a draw on the device (the other dropout there). */
    private static float[] draws(Device device) {
        float[] cpu = Tensors.toFloats(torch.rand(new long[] {64}));
        float[] onDevice = Tensors.toFloats(torch.rand(new long[] {64}, Tensors.options(ScalarType.Float, device)).cpu());
        float[] both = Arrays.copyOf(cpu, 128);
        System.arraycopy(onDevice, 0, both, 64, 64);
        return both;
    }
}
