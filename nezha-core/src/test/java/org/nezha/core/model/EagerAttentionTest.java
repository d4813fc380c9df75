package org.nezha.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import org.nezha.core.tensor.Tensors;

/** The eager NEZHA attention against a straightforward float64 loop implementation of DESIGN.md's formula. */
class EagerAttentionTest {
    private static final Device CPU = new Device("cpu");

    @ParameterizedTest(name = "B={0} H={1} L={2} d={3} K={4} padded={5} dtype={6}")
    @CsvSource({
        "2, 2,   1, 8, 3, false, Double",
        "2, 3,   7, 8, 3, true,  Double",
        "1, 2,  77, 6, 5, true,  Double",
        "2, 2, 129, 8, 4, true,  Double",
        "2, 2, 129, 8, 64, false, Double",
        "2, 3,  77, 8, 3, true,  Float",
    })
    void matchesLoopReference(int b, int h, int l, int d, int k, boolean padded, String dtypeName) {
        try (PointerScope scope = new PointerScope()) {
            Random random = new Random(l * 31L + k);
            double[] q = randoms(random, b * h * l * d), key = randoms(random, b * h * l * d), v = randoms(random, b * h * l * d);
            int[] validLength = new int[b];
            for (int i = 0; i < b; i++) validLength[i] = padded && l > 1 ? 1 + random.nextInt(l) : l;
            ScalarType dtype = ScalarType.valueOf(dtypeName);

            KeyMask mask = new KeyMask(Tensors.longs(maskOf(validLength, l), CPU, b, l));
            RelativePositionTable table = new RelativePositionTable(k, d);
            Tensor out = new EagerAttention().attend(tensor(q, dtype, b, h, l, d), tensor(key, dtype, b, h, l, d),
                    tensor(v, dtype, b, h, l, d), mask, table, 0.0, false, null);
            double[] got = Tensors.toDoubles(out);
            double[] want = reference(q, key, v, validLength, b, h, l, d, k);

            double tolerance = dtype == ScalarType.Double ? 1e-6 : 2e-5;
            assertEquals(want.length, got.length);
            double worst = 0;
            for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - got[i]) / (1 + Math.abs(want[i])));
            assertTrue(worst < tolerance, "max relative error " + worst + " >= " + tolerance);
        }
    }

    @Test
    void sinusoidTableMatchesFormula() {
        try (PointerScope scope = new PointerScope()) {
            int k = 64, d = 64;
            float[] table = Tensors.toFloats(new RelativePositionTable(k, d).table());
            for (int r = 0; r <= 2 * k; r++) {
                for (int i = 0; i < d / 2; i++) {
                    double w = Math.exp(2 * i * (-Math.log(10000.0) / d));
                    assertEquals(Math.sin(r * w), table[r * d + 2 * i], 1e-5, "sin r=" + r + " i=" + i);
                    assertEquals(Math.cos(r * w), table[r * d + 2 * i + 1], 1e-5, "cos r=" + r + " i=" + i);
                }
            }
        }
    }

    @Test
    void bucketsClipAtMaxRelativePosition() {
        try (PointerScope scope = new PointerScope()) {
            long[] r = Tensors.toLongs(new RelativePositionTable(2, 4).bucketIndex(6, CPU));
            // row i, column j: clip(j - i, -2, 2) + 2
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 6; j++) assertEquals(Math.max(-2, Math.min(2, j - i)) + 2, r[i * 6 + j]);
            }
        }
    }

    /** o_i = Σ_j softmax_j((q_i·k_j + q_i·T[r_ij])/√d + mask_j) (v_j + T[r_ij]), every index spelled out. */
    static double[] reference(double[] q, double[] k, double[] v, int[] validLength, int b, int h, int l, int d, int maxRel) {
        double[] out = new double[b * h * l * d];
        double[] scores = new double[l];
        for (int bi = 0; bi < b; bi++) {
            for (int hi = 0; hi < h; hi++) {
                int base = (bi * h + hi) * l * d;
                for (int i = 0; i < l; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < l; j++) {
                        int r = Math.max(-maxRel, Math.min(maxRel, j - i)) + maxRel;
                        double s = 0;
                        for (int x = 0; x < d; x++) s += q[base + i * d + x] * (k[base + j * d + x] + sinusoid(r, x, d));
                        s /= Math.sqrt(d);
                        if (j >= validLength[bi]) s += -Float.MAX_VALUE;
                        scores[j] = s;
                        max = Math.max(max, s);
                    }
                    double sum = 0;
                    for (int j = 0; j < l; j++) sum += (scores[j] = Math.exp(scores[j] - max));
                    for (int j = 0; j < l; j++) {
                        int r = Math.max(-maxRel, Math.min(maxRel, j - i)) + maxRel;
                        double p = scores[j] / sum;
                        for (int x = 0; x < d; x++) out[base + i * d + x] += p * (v[base + j * d + x] + sinusoid(r, x, d));
                    }
                }
            }
        }
        return out;
    }

    static double sinusoid(int r, int x, int d) {
        double w = Math.pow(10000.0, -2.0 * (x / 2) / d);
        return x % 2 == 0 ? Math.sin(r * w) : Math.cos(r * w);
    }

    static double[] randoms(Random random, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = random.nextGaussian();
        return a;
    }

    static long[] maskOf(int[] validLength, int l) {
        long[] mask = new long[validLength.length * l];
        for (int bi = 0; bi < validLength.length; bi++) for (int j = 0; j < validLength[bi]; j++) mask[bi * l + j] = 1;
        return mask;
    }

    static Tensor tensor(double[] values, ScalarType dtype, long... shape) {
        return Tensors.doubles(values, shape).to(dtype);
    }

}
