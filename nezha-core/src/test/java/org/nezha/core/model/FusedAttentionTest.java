package org.nezha.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.nezha.bindings.FusedAttentionKernel;
import org.nezha.core.tensor.Tensors;

/**
 * The fused CPU kernels against eager attention in float64: outputs and the gradients of q, k and v,
 * for odd lengths, both clipping regimes, with and without padding, in every dtype the CPU path has;
 * and dropout: the backward regenerates the forward's mask (checked by finite differences in
 * float64), the keep rate is right, and the seed decides the mask.
 */
class FusedAttentionTest {
    private static final Device CPU = new Device("cpu");
    private static final int B = 2, H = 2, D = 16;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (int l : new int[] {1, 7, 64, 77, 129, 300}) {
            for (int k : new int[] {2, 64}) {
                for (boolean padded : new boolean[] {false, true}) {
                    for (String dtype : new String[] {"Double", "Float", "BFloat16", "Half"}) cases.add(Arguments.of(l, k, padded, dtype));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "L={0} K={1} padded={2} {3}")
    @MethodSource("cases")
    void matchesEagerFloat64(int l, int k, boolean padded, String dtypeName) {
        try (PointerScope scope = new PointerScope()) {
            ScalarType dtype = ScalarType.valueOf(dtypeName);
            Random random = new Random(l * 131L + k);
            Tensor[] inputs = new Tensor[4]; // q, k, v, output gradient — rounded to the dtype
            for (int i = 0; i < 4; i++) inputs[i] = Tensors.doubles(EagerAttentionTest.randoms(random, B * H * l * D), B, H, l, D).to(dtype);
            int[] valid = new int[B];
            for (int b = 0; b < B; b++) valid[b] = padded && l > 1 ? 1 + random.nextInt(l) : l;
            KeyMask mask = new KeyMask(Tensors.longs(EagerAttentionTest.maskOf(valid, l), CPU, B, l));
            RelativePositionTable table = new RelativePositionTable(k, D);

            Result want = run(new EagerAttention(), inputs, ScalarType.Double, mask, table);
            Result got = run(new FusedAttention(), inputs, dtype, mask, table);
            double tolerance = switch (dtype) {
                case Double -> 1e-10;
                case Float -> 2e-5;
                case Half -> 4e-3;
                default -> 3e-2;
            };
            String[] names = {"output", "dq", "dk", "dv"};
            for (int i = 0; i < 4; i++) NumericAsserts.assertClose(want.values[i], got.values[i], tolerance, names[i]);
        }
    }

    @Test
    void plainAttentionWithoutTableMatchesEager() {
        try (PointerScope scope = new PointerScope()) {
            Random random = new Random(5);
            int l = 45;
            Tensor[] inputs = new Tensor[4];
            for (int i = 0; i < 4; i++) inputs[i] = Tensors.doubles(EagerAttentionTest.randoms(random, B * H * l * D), B, H, l, D);
            KeyMask mask = new KeyMask(Tensors.longs(EagerAttentionTest.maskOf(new int[] {45, 30}, l), CPU, B, l));
            Result want = run(new EagerAttention(), inputs, ScalarType.Double, mask, null);
            Result got = run(new FusedAttention(), inputs, ScalarType.Double, mask, null);
            for (int i = 0; i < 4; i++) NumericAsserts.assertClose(want.values[i], got.values[i], 1e-10, "tensor " + i);
        }
    }

    /** The four results of one forward + backward with loss = Σ output ⊙ g, as float64 arrays. */
    private record Result(double[][] values) {}

    private static Result run(AttentionBackend backend, Tensor[] inputs, ScalarType dtype, KeyMask mask,
            RelativePositionTable table) {
        // fresh leaves: to() returns the same tensor when the dtype already matches, and gradients would accumulate
        Tensor q = inputs[0].to(dtype).clone().requires_grad_(true);
        Tensor k = inputs[1].to(dtype).clone().requires_grad_(true);
        Tensor v = inputs[2].to(dtype).clone().requires_grad_(true);
        SegmentedGraph graph = backend.cutsGraph() ? new SegmentedGraph() : null;
        Tensor out = backend.attend(q, k, v, mask, table, 0.0, false, graph);
        Tensor loss = out.mul(inputs[3].to(dtype)).sum();
        if (graph != null) graph.backward(loss);
        else loss.backward();
        return new Result(new double[][] {doubles(out), doubles(q.grad()), doubles(k.grad()), doubles(v.grad())});
    }

    private static double[] doubles(Tensor t) {
        return Tensors.toDoubles(t.detach().to(ScalarType.Double).contiguous());
    }

    // ---- dropout, through the kernel itself so the seed is ours --------------------------------

    /** A float64 problem with dropout on, whose output is a deterministic function of q, k, v and the seed. */
    private static final class DropoutProblem {
        final int b = 1, h = 2, l = 9, d = 8;
        final RelativePositionTable table = new RelativePositionTable(2, d);
        final double p;
        final long seed;

        DropoutProblem(double p, long seed) {
            this.p = p;
            this.seed = seed;
        }

        FusedAttentionKernel.Call call(Tensor q, Tensor k, Tensor v) {
            FusedAttentionKernel.Call c = new FusedAttentionKernel.Call();
            c.query = q;
            c.key = k;
            c.value = v;
            c.output = torch.zeros_like(q);
            c.logSumExp = Tensors.empty(Tensors.options(ScalarType.Float, CPU), q.size(0), q.size(2), q.size(1));
            c.table = table.table();
            c.softmaxScale = 1 / Math.sqrt(q.size(3));
            c.dropout = p;
            c.seed = seed;
            c.threads = 2;
            long[] bytes = FusedAttentionKernel.get().workspaceBytes(c);
            c.workspace = Tensors.empty(Tensors.options(ScalarType.Byte, CPU), Math.max(bytes[0], bytes[1]));
            FusedAttentionKernel.get().forward(c);
            return c;
        }

        double loss(Tensor q, Tensor k, Tensor v, Tensor g) {
            return call(q, k, v).output.mul(g).sum().item_double();
        }
    }

    @Test
    void dropoutGradientMatchesFiniteDifferencesInFloat64() {
        try (PointerScope scope = new PointerScope()) {
            DropoutProblem problem = new DropoutProblem(0.3, 99);
            Random random = new Random(3);
            int n = problem.b * problem.l * problem.h * problem.d;
            Tensor[] x = new Tensor[3];
            for (int i = 0; i < 3; i++) x[i] = Tensors.doubles(EagerAttentionTest.randoms(random, n), problem.b, problem.l, problem.h, problem.d);
            Tensor g = Tensors.doubles(EagerAttentionTest.randoms(random, n), problem.b, problem.l, problem.h, problem.d);

            FusedAttentionKernel.Call c = problem.call(x[0], x[1], x[2]);
            c.outputGrad = g;
            c.queryGrad = torch.zeros_like(x[0]);
            c.keyGrad = torch.zeros_like(x[0]);
            c.valueGrad = torch.zeros_like(x[0]);
            FusedAttentionKernel.get().backward(c);
            Tensor[] analytic = {c.queryGrad, c.keyGrad, c.valueGrad};

            double eps = 1e-6;
            for (int which = 0; which < 3; which++) {
                double[] grad = Tensors.toDoubles(analytic[which]);
                for (int trial = 0; trial < 12; trial++) {
                    int index = random.nextInt(n);
                    double[] plus = Tensors.toDoubles(x[which]), minus = plus.clone();
                    plus[index] += eps;
                    minus[index] -= eps;
                    Tensor[] xp = x.clone(), xm = x.clone();
                    xp[which] = Tensors.doubles(plus, problem.b, problem.l, problem.h, problem.d);
                    xm[which] = Tensors.doubles(minus, problem.b, problem.l, problem.h, problem.d);
                    double numeric = (problem.loss(xp[0], xp[1], xp[2], g) - problem.loss(xm[0], xm[1], xm[2], g)) / (2 * eps);
                    assertEquals(numeric, grad[index], 1e-6 * (1 + Math.abs(numeric)), "input " + which + " element " + index);
                }
            }
        }
    }

    @Test
    void dropoutKeepsTheRightFractionAndTheSeedDecidesTheMask() {
        try (PointerScope scope = new PointerScope()) {
            // q = k = 0 and no table: uniform probabilities 1/L; v_j = one-hot(j), so o_i[j] = z_ij / ((1 − p) L)
            int b = 4, h = 4, l = 64;
            double p = 0.2;
            Tensor q = torch.zeros(new long[] {b, l, h, l}, Tensors.options(ScalarType.Double, CPU));
            Tensor v = torch.eye(l, Tensors.options(ScalarType.Double, CPU)).unsqueeze(0).unsqueeze(2).expand(b, l, h, l).contiguous();
            double[] first = dropoutOutput(q, v, p, 11);
            long kept = 0;
            for (double o : first) {
                boolean keep = o != 0;
                if (keep) assertEquals(1 / ((1 - p) * l), o, 1e-12, "kept elements are rescaled by 1/(1 − p)");
                kept += keep ? 1 : 0;
            }
            double n = first.length, expected = (1 - p) * n, sigma = Math.sqrt(n * p * (1 - p));
            assertTrue(Math.abs(kept - expected) < 4 * sigma, "kept " + kept + " of " + (long) n + ", expected " + expected);
            assertArrayEquals(first, dropoutOutput(q, v, p, 11), "same seed, same mask");
            assertFalse(java.util.Arrays.equals(first, dropoutOutput(q, v, p, 12)), "another seed, another mask");
        }
    }

    private static double[] dropoutOutput(Tensor qk, Tensor v, double p, long seed) {
        FusedAttentionKernel.Call c = new FusedAttentionKernel.Call();
        c.query = qk;
        c.key = qk;
        c.value = v;
        c.output = torch.zeros_like(v);
        c.softmaxScale = 1;
        c.dropout = p;
        c.seed = seed;
        c.threads = 2;
        c.workspace = Tensors.empty(Tensors.options(ScalarType.Byte, CPU), FusedAttentionKernel.get().workspaceBytes(c)[0]);
        FusedAttentionKernel.get().forward(c);
        return Tensors.toDoubles(c.output);
    }
}
