package org.nezha.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch_cuda;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import org.nezha.core.InputException;

class ComputeDeviceTest {
    @Test
    void cudaAvailabilityAgreesWithLibtorchAfterLoadingItsCudaHalf() {
        boolean available = ComputeDevice.cudaAvailable(); // on the CPU build: no, and no error from the missing CUDA library
        assertEquals(torch.cuda_is_available(), available);
    }

    @Test
    void cpuAndBadNames() {
        assertTrue(ComputeDevice.select("cpu").is_cpu());
        InputException bad = assertThrows(InputException.class, () -> ComputeDevice.select("gpu"));
        assertEquals("--device gpu: choose cpu, cuda or cuda:N", bad.getMessage());
    }

    @Test
    void cudaWithoutAGpuIsOneClearError() {
        Assumptions.assumeFalse(ComputeDevice.cudaAvailable(), "a GPU is present");
        InputException none = assertThrows(InputException.class, () -> ComputeDevice.select("cuda:1"));
        assertEquals("--device cuda:1: libtorch sees no CUDA device (is this the GPU build, -Pgpu?)", none.getMessage());
    }

    @Test
    void aCudaDeviceBecomesTheCurrentOne() {
        Assumptions.assumeTrue(ComputeDevice.cudaAvailable(), "no CUDA device");
        int last = torch.cuda_device_count() - 1;
        assertEquals(last, ComputeDevice.select("cuda:" + last).index());
        assertEquals(last, torch_cuda.current_device());
        ComputeDevice.select("cuda:0");
    }
}
