package org.nezha.core.bench;

import java.util.Arrays;
import java.util.List;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.tensor.Tensors;
import org.nezha.core.train.Precision;

/**
 * The dense matmul throughput a device reaches in a precision, measured now: the denominator of
 * model-FLOPs utilisation, so it must be the best the device does, or MFU can pass 100 %.
 * GPU: 8192³ products in the precision's type. CPU: the best over fp32 and the precision's type (a CPU
 * without bf16/fp16 instructions emulates them far below the fp32 rate, while autocast and our attention
 * kernels run much of the model in fp32) and over sizes 256³ to 2048³ (small products miss the peak; a
 * type stops growing once a product takes over 50 ms, so an emulated one costs little). Each: the median
 * of 10 after 3 warm-ups.
 */
public final class MatmulPeak {
    static final double CPU_SIZE_LIMIT_MS = 50;
    private static final int GPU_SIZE = 8192;
    private static final List<Integer> CPU_SIZES = List.of(256, 512, 1024, 2048);

    private MatmulPeak() {}

    /** TFLOP/s of the fastest square matmul in {@code precision} on {@code device}. */
    public static double measure(Device device, Precision precision) {
        ScalarType type = switch (precision) {
            case FP32 -> ScalarType.Float;
            case BF16 -> ScalarType.BFloat16;
            case FP16 -> ScalarType.Half;
        };
        if (device.is_cuda()) return tflops(GPU_SIZE, millis(device, type, GPU_SIZE));
        double best = 0;
        for (ScalarType t : type == ScalarType.Float ? List.of(type) : List.of(type, ScalarType.Float)) {
            for (int n : CPU_SIZES) {
                double ms = millis(device, t, n);
                best = Math.max(best, tflops(n, ms));
                if (ms > CPU_SIZE_LIMIT_MS) break;
            }
        }
        return best;
    }

    /** Median milliseconds of an n×n×n product of {@code type} on {@code device}. */
    private static double millis(Device device, ScalarType type, int n) {
        DeviceMeter meter = DeviceMeter.of(device);
        try (PointerScope scope = new PointerScope()) {
            Tensor a = torch.randn(new long[] {n, n}, Tensors.options(type, device));
            Tensor b = torch.randn(new long[] {n, n}, Tensors.options(type, device));
            double[] millis = new double[10];
            for (int i = 0; i < 3; i++) torch.matmul(a, b);
            for (int i = 0; i < millis.length; i++) {
                meter.start();
                torch.matmul(a, b);
                millis[i] = meter.stopMillis();
            }
            Arrays.sort(millis);
            return millis[millis.length / 2];
        }
    }

    private static double tflops(int n, double millis) {
        return 2.0 * n * n * n / (millis * 1e-3) / 1e12;
    }
}
