package org.nezha.core.model;

import java.util.List;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.bindings.FusedAttentionKernel;
import org.nezha.core.tensor.Tensors;

/**
 * NEZHA attention in our fused kernels (libnezha_native: CUDA on GPUs, C++ on the CPU): no L×L
 * matrix and no L×L×d relative tensor. The kernels' backward runs outside libtorch's autograd, so
 * in training the output becomes a leaf of a {@link SegmentedGraph} whose stage calls the kernel
 * backward and continues libtorch's backward into the inputs. Dropout draws a fresh seed per call
 * from libtorch's CPU generator (so {@code torch.manual_seed} makes runs repeatable); the backward
 * regenerates the forward's mask from it.
 */
public final class FusedAttention implements AttentionBackend {
    @Override
    public Tensor attend(Tensor query, Tensor key, Tensor value, KeyMask mask, RelativePositionTable relative,
            double dropoutProb, boolean training, SegmentedGraph graph) {
        // the kernels' layout is [B, L, H, d]; gradients go to q, k, v through one [3, B, L, H, d] buffer
        Inputs in = new Inputs(query.permute(0, 2, 1, 3), key.permute(0, 2, 1, 3), value.permute(0, 2, 1, 3), 0,
                List.of(query, key, value));
        return run(in, mask, relative, dropoutProb, training, graph);
    }

    @Override
    public Tensor attendPacked(Tensor qkv, KeyMask mask, RelativePositionTable relative, double dropoutProb,
            boolean training, SegmentedGraph graph) {
        // read straight from [B, L, 3, H, d], and send back one gradient in the same layout
        Inputs in = new Inputs(qkv.select(2, 0), qkv.select(2, 1), qkv.select(2, 2), 2, List.of(qkv));
        return run(in, mask, relative, dropoutProb, training, graph);
    }

    /**
     * q, k, v in the kernel layout, and where their gradients go: a buffer stacking dq, dk, dv along
     * {@code stackDim} of the kernel layout (0: [3, B, L, H, d]; 2: [B, L, 3, H, d]), handed to
     * {@code roots} (q, k, v themselves, or the packed tensor).
     */
    private record Inputs(Tensor q, Tensor k, Tensor v, int stackDim, List<Tensor> roots) {}

    private static Tensor run(Inputs in, KeyMask mask, RelativePositionTable relative, double dropoutProb,
            boolean training, SegmentedGraph graph) {
        FusedAttentionKernel.Call call = new FusedAttentionKernel.Call();
        call.query = in.q;
        call.key = in.k;
        call.value = in.v;
        long b = in.q.size(0), l = in.q.size(1), h = in.q.size(2), d = in.q.size(3);
        call.output = Tensors.empty(Tensors.options(Tensors.dtype(in.q), in.q.device()), b, l, h, d);
        if (graph != null) call.logSumExp = Tensors.empty(Tensors.options(ScalarType.Float, in.q.device()), b, h, l);
        if (mask != null) call.keyMask = mask.keep();
        if (relative != null) call.table = relative.table(in.q.device());
        call.softmaxScale = 1.0 / Math.sqrt(d);
        if (training && dropoutProb > 0) {
            call.dropout = dropoutProb;
            call.seed = torch.randint(Long.MAX_VALUE, new long[] {1}).item_long();
        }
        call.threads = torch.get_num_threads();
        FusedAttentionKernel kernel = FusedAttentionKernel.get();
        long[] workspace = kernel.workspaceBytes(call);
        try (NoGradGuard noGrad = new NoGradGuard()) {
            call.workspace = workspace(workspace[0], in.q);
            kernel.forward(call);
        }
        if (graph == null) return call.output.permute(0, 2, 1, 3);
        Tensor output = call.output.requires_grad_(true);
        graph.onBackward(() -> backward(kernel, call, workspace[1], in));
        return output.permute(0, 2, 1, 3);
    }

    /** The kernel backward from the output leaf's gradient, then libtorch's backward into the inputs. */
    private static void backward(FusedAttentionKernel kernel, FusedAttentionKernel.Call call, long workspaceBytes, Inputs in) {
        Tensor outputGrad = call.output.grad();
        if (!outputGrad.defined()) return;
        long b = in.q.size(0), l = in.q.size(1), h = in.q.size(2), d = in.q.size(3);
        long[] shape = in.stackDim == 0 ? new long[] {3, b, l, h, d} : new long[] {b, l, 3, h, d};
        Tensor grads;
        try (NoGradGuard noGrad = new NoGradGuard()) {
            call.outputGrad = outputGrad.stride(3) == 1 ? outputGrad : outputGrad.contiguous();
            grads = Tensors.empty(Tensors.options(Tensors.dtype(in.q), in.q.device()), shape);
            call.queryGrad = grads.select(in.stackDim, 0);
            call.keyGrad = grads.select(in.stackDim, 1);
            call.valueGrad = grads.select(in.stackDim, 2);
            call.workspace = workspace(workspaceBytes, in.q);
            kernel.backward(call);
        }
        List<Tensor> rootGrads = in.roots.size() == 1 ? List.of(grads)
                : List.of(call.queryGrad.permute(0, 2, 1, 3), call.keyGrad.permute(0, 2, 1, 3), call.valueGrad.permute(0, 2, 1, 3));
        SegmentedGraph.backward(in.roots, rootGrads);
    }

    private static Tensor workspace(long bytes, Tensor like) {
        return Tensors.empty(Tensors.options(ScalarType.Byte, like.device()), Math.max(bytes, 1));
    }

    @Override
    public boolean cutsGraph() {
        return true;
    }

    @Override
    public String name() {
        return "fused";
    }
}
