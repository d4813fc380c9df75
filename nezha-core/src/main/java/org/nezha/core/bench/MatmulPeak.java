package org.nezha.core.bench;

import java.util.Arrays;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.tensor.Tensors;
import org.nezha.core.train.Precision;

/**
 * The dense matmul throughput a device reaches in a precision, measured now: the denominator of
 * model-FLOPs utilisation. n×n×n products (n = 8192 on a GPU, 1024 on a CPU), median of 10 after warm-up.
 */
public final class MatmulPeak {
    private MatmulPeak() {}

    /** TFLOP/s of a square matmul in {@code precision}'s compute type (fp32 for fp32) on {@code device}. */
    public static double measure(Device device, Precision precision) {
        int n = device.is_cuda() ? 8192 : 1024;
        ScalarType type = switch (precision) {
            case FP32 -> ScalarType.Float;
            case BF16 -> ScalarType.BFloat16;
            case FP16 -> ScalarType.Half;
        };
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
            return 2.0 * n * n * n / (millis[millis.length / 2] * 1e-3) / 1e12;
        }
    }
}
