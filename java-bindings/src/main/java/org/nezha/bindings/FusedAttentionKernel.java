package org.nezha.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The fused NEZHA attention of libnezha_native (forward, backward, workspace query) called with
 * libtorch tensors. Tensors use the kernel's logical layout [B, L, H, d] with any strides whose last
 * one is 1; everything is checked here (shapes, dtypes, devices) so mistakes surface as one clear
 * {@link IllegalArgumentException} instead of a crash inside native code.
 */
public final class FusedAttentionKernel {
    private static volatile FusedAttentionKernel instance;

    private final NativeLibrary library;
    private final MethodHandle workspaceSize;
    private final MethodHandle forward;
    private final MethodHandle backward;

    private FusedAttentionKernel(NativeLibrary library) {
        this.library = library;
        MethodHandle paramsSize = library.downcall("nezha_attention_params_size", FunctionDescriptor.of(ValueLayout.JAVA_LONG));
        long nativeSize = NativeLibrary.call(() -> (long) paramsSize.invokeExact());
        if (nativeSize != AttentionParams.SIZE) {
            throw new IllegalStateException("libnezha_native's nezha_attention_params is " + nativeSize
                    + " bytes, these bindings expect " + AttentionParams.SIZE + " (library and jar from different builds?)");
        }
        workspaceSize = library.downcall("nezha_attention_workspace_size",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        forward = library.downcall("nezha_attention_forward", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        backward = library.downcall("nezha_attention_backward", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    }

    public static FusedAttentionKernel get() {
        FusedAttentionKernel k = instance;
        if (k == null) {
            synchronized (FusedAttentionKernel.class) {
                if (instance == null) instance = new FusedAttentionKernel(NativeLibrary.get());
                k = instance;
            }
        }
        return k;
    }

    /** One call's problem and tensors; set what the call needs, leave the rest null. */
    public static final class Call {
        public Tensor query, key, value, output;
        /** fp32 [B, H, L]: written by a training forward, read by the backward; null for inference. */
        public Tensor logSumExp;
        /** uint8 or bool [B, L], nonzero = attend; null = every key. */
        public Tensor keyMask;
        /** fp32 [2K + 1, d] contiguous; null for plain attention. */
        public Tensor table;
        public double softmaxScale;
        public double dropout;
        public long seed, offset;
        /** CPU worker threads (0 = all cores). */
        public int threads;
        public Tensor outputGrad, queryGrad, keyGrad, valueGrad;
        /** uint8, at least {@link #workspaceBytes} bytes for the call. */
        public Tensor workspace;
    }

    /** {forward bytes, backward bytes} of scratch memory the call needs. */
    public long[] workspaceBytes(Call call) {
        return NativeLibrary.call(() -> {
            try (Arena arena = Arena.ofConfined()) {
                AttentionParams p = describe(call, arena, false);
                MemorySegment forwardBytes = arena.allocate(ValueLayout.JAVA_LONG);
                MemorySegment backwardBytes = arena.allocate(ValueLayout.JAVA_LONG);
                library.check((int) workspaceSize.invokeExact(p.segment(), forwardBytes, backwardBytes),
                        "nezha_attention_workspace_size");
                return new long[] {forwardBytes.get(ValueLayout.JAVA_LONG, 0), backwardBytes.get(ValueLayout.JAVA_LONG, 0)};
            }
        });
    }

    /** Writes {@code output} (and {@code logSumExp} when set). */
    public void forward(Call call) {
        NativeLibrary.call(() -> {
            try (Arena arena = Arena.ofConfined()) {
                AttentionParams p = describe(call, arena, false);
                library.check((int) forward.invokeExact(p.segment()), "nezha_attention_forward");
                return null;
            }
        });
    }

    /** Writes the query, key and value gradients from {@code outputGrad}. */
    public void backward(Call call) {
        NativeLibrary.call(() -> {
            try (Arena arena = Arena.ofConfined()) {
                AttentionParams p = describe(call, arena, true);
                library.check((int) backward.invokeExact(p.segment()), "nezha_attention_backward");
                return null;
            }
        });
    }

    private static AttentionParams describe(Call c, Arena arena, boolean withGradients) {
        NativeTensor q = operand("query", c.query);
        long[] shape = q.sizes();
        long b = shape[0], l = shape[1], h = shape[2], d = shape[3];
        AttentionParams p = new AttentionParams(arena)
                .set("batch", b).set("seq_len", l).set("heads", h).set("head_dim", d)
                .set("dtype", dtypeCode(q)).set("device", q.device()).set("num_threads", c.threads)
                .set("softmax_scale", c.softmaxScale).set("dropout_p", c.dropout).set("seed", c.seed).set("offset", c.offset)
                .set("stream", NativeTensor.currentStream(q.device()));
        p.tensor("q", q);
        p.tensor("k", like(q, "key", c.key));
        p.tensor("v", like(q, "value", c.value));
        if (c.output != null) p.tensor("o", like(q, "output", c.output));
        if (c.logSumExp != null) {
            p.tensor("lse", NativeTensor.of("logSumExp", c.logSumExp).requireShape(b, h, l).requireDtype(ScalarType.Float)
                    .requireDevice(q.device()).requireContiguous());
        }
        if (c.keyMask != null) {
            NativeTensor mask = NativeTensor.of("keyMask", c.keyMask).requireShape(b, l).requireDevice(q.device())
                    .requireUnitLastStride();
            if (mask.dtype() != ScalarType.Byte && mask.dtype() != ScalarType.Bool) {
                throw new IllegalArgumentException("keyMask: dtype " + mask.dtype() + ", expected uint8 or bool");
            }
            p.tensor("key_mask", mask).set("key_mask_batch_stride", mask.strides()[0]);
        }
        if (c.table != null) {
            NativeTensor table = NativeTensor.of("table", c.table).requireDtype(ScalarType.Float).requireDevice(q.device())
                    .requireContiguous();
            long rows = table.sizes()[0];
            if (table.rank() != 2 || rows % 2 != 1 || table.sizes()[1] != d) {
                throw new IllegalArgumentException("table: shape " + java.util.Arrays.toString(table.sizes())
                        + ", expected [2K + 1, " + d + "]");
            }
            p.tensor("table", table).set("max_relative_position", (rows - 1) / 2);
        }
        if (withGradients) {
            p.tensor("dout", like(q, "outputGrad", c.outputGrad));
            p.tensor("dq", like(q, "queryGrad", c.queryGrad));
            p.tensor("dk", like(q, "keyGrad", c.keyGrad));
            p.tensor("dv", like(q, "valueGrad", c.valueGrad));
        }
        if (c.workspace != null) {
            NativeTensor w = NativeTensor.of("workspace", c.workspace).requireDtype(ScalarType.Byte).requireDevice(q.device())
                    .requireContiguous();
            long bytes = 1;
            for (long s : w.sizes()) bytes *= s;
            p.set("workspace", w.address()).set("workspace_bytes", bytes);
        }
        return p;
    }

    private static NativeTensor operand(String name, Tensor t) {
        NativeTensor n = NativeTensor.of(name, t);
        if (n.rank() != 4) throw new IllegalArgumentException(name + ": expected [B, L, H, d], got rank " + n.rank());
        return n.requireUnitLastStride();
    }

    private static NativeTensor like(NativeTensor q, String name, Tensor t) {
        return operand(name, t).requireShape(q.sizes()).requireDtype(q.dtype()).requireDevice(q.device());
    }

    private static long dtypeCode(NativeTensor t) {
        return switch (t.dtype()) {
            case Float -> 0;
            case Half -> 1;
            case BFloat16 -> 2;
            case Double -> 3;
            default -> throw new IllegalArgumentException(t.name() + ": dtype " + t.dtype()
                    + " is not supported (float32, float16, bfloat16, float64)");
        };
    }
}
