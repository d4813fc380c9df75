package org.nezha.core.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.nezha.bindings.NativeLibrary;
import org.nezha.core.tensor.ComputeDevice;
import org.nezha.core.tensor.Tensors;

/**
 * The CUDA kernels against the CPU kernels in float64 (themselves checked against eager float64 in
 * {@link FusedAttentionTest}): outputs and q/k/v gradients from packed [B, L, 3, H, d] inputs, with
 * padding, for fp16, bf16 and fp32, up to L = 4096. Skipped without a CUDA device and a GPU build.
 */
class FusedAttentionCudaTest {
    /** Checked per case, so a CPU run lists every case as skipped. */
    static void needsCuda() {
        assumeTrue(NativeLibrary.get().hasCuda() && ComputeDevice.cudaAvailable(),
                "no CUDA: libnezha_native without CUDA, or libtorch without a visible GPU");
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (String dtype : new String[] {"Half", "BFloat16", "Float"}) {
            for (int l : new int[] {1, 7, 64, 77, 129, 300, 513, 1024}) {
                for (int k : new int[] {2, 64}) {
                    for (boolean padded : new boolean[] {false, true}) cases.add(Arguments.of(2, 3, l, 64, k, padded, dtype));
                }
            }
            for (int l : new int[] {2048, 4096}) cases.add(Arguments.of(1, 2, l, 64, 64, true, dtype));
            for (int d : new int[] {32, 128}) cases.add(Arguments.of(2, 2, 77, d, 64, true, dtype));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "B={0} H={1} L={2} d={3} K={4} padded={5} {6}")
    @MethodSource("cases")
    void matchesCpuFloat64(int b, int h, int l, int d, int k, boolean padded, String dtypeName) {
        needsCuda();
        try (PointerScope scope = new PointerScope()) {
            ScalarType dtype = ScalarType.valueOf(dtypeName);
            Device cuda = new Device("cuda:0");
            torch.manual_seed(l * 7L + k);
            // inputs rounded to the dtype once, so both sides see the same numbers
            Tensor qkv = torch.randn(new long[] {b, l, 3, h, d}, Tensors.options(dtype, new Device("cpu")));
            Tensor grad = torch.randn(new long[] {b, h, l, d}, Tensors.options(dtype, new Device("cpu")));
            long[] mask = new long[b * l];
            for (int i = 0; i < b; i++) {
                int valid = padded && l > 1 ? Math.max(1, l - 1 - (i * 37) % l) : l;
                for (int j = 0; j < valid; j++) mask[i * l + j] = 1;
            }
            Tensor maskTensor = Tensors.longs(mask, new Device("cpu"), b, l);
            RelativePositionTable table = new RelativePositionTable(k, d);

            double[][] want = run(qkv.to(ScalarType.Double), grad.to(ScalarType.Double), new KeyMask(maskTensor), table);
            double[][] got = run(qkv.to(cuda, dtype), grad.to(cuda, dtype), new KeyMask(maskTensor.to(cuda, ScalarType.Long)), table);
            double tolerance = switch (dtype) {
                case Float -> 2e-4;
                case Half -> 1e-2;
                default -> 4e-2;
            };
            String[] names = {"output", "dqkv"};
            for (int i = 0; i < 2; i++) NumericAsserts.assertClose(want[i], got[i], tolerance * (i == 0 ? 1 : 2), names[i]);
        }
    }

    /** Output and packed gradient of loss = Σ output ⊙ grad, as float64 on the host. */
    private static double[][] run(Tensor qkv, Tensor grad, KeyMask mask, RelativePositionTable table) {
        Tensor leaf = qkv.clone().requires_grad_(true);
        SegmentedGraph graph = new SegmentedGraph();
        Tensor out = new FusedAttention().attendPacked(leaf, mask, table, 0.0, false, graph);
        graph.backward(out, grad);
        return new double[][] {host(out), host(leaf.grad())};
    }

    private static double[] host(Tensor t) {
        return Tensors.toDoubles(t.detach().to(new Device("cpu"), ScalarType.Double).contiguous());
    }
}
