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
 * backward and continues libtorch's backward into q, k and v. Dropout draws a fresh seed per call
 * from libtorch's CPU generator (so {@code torch.manual_seed} makes runs repeatable); the backward
 * regenerates the forward's mask from it.
 */
public final class FusedAttention implements AttentionBackend {
    @Override
    public Tensor attend(Tensor query, Tensor key, Tensor value, KeyMask mask, RelativePositionTable relative,
            double dropoutProb, boolean training, SegmentedGraph graph) {
        // the kernels' layout is [B, L, H, d]: these permutes are views, usually of contiguous projections
        FusedAttentionKernel.Call call = new FusedAttentionKernel.Call();
        call.query = query.permute(0, 2, 1, 3);
        call.key = key.permute(0, 2, 1, 3);
        call.value = value.permute(0, 2, 1, 3);
        long b = query.size(0), h = query.size(1), l = query.size(2), d = query.size(3);
        TensorOptions like = Tensors.options(Tensors.dtype(query), query.device());
        call.output = Tensors.empty(like, b, l, h, d);
        if (graph != null) call.logSumExp = Tensors.empty(Tensors.options(ScalarType.Float, query.device()), b, h, l);
        if (mask != null) call.keyMask = mask.keep();
        if (relative != null) call.table = relative.table(query.device());
        call.softmaxScale = 1.0 / Math.sqrt(d);
        if (training && dropoutProb > 0) {
            call.dropout = dropoutProb;
            call.seed = torch.randint(Long.MAX_VALUE, new long[] {1}).item_long();
        }
        call.threads = torch.get_num_threads();
        FusedAttentionKernel kernel = FusedAttentionKernel.get();
        long[] workspace = kernel.workspaceBytes(call);
        try (NoGradGuard noGrad = new NoGradGuard()) {
            call.workspace = workspace(workspace[0], query);
            kernel.forward(call);
        }
        if (graph == null) return call.output.permute(0, 2, 1, 3);
        Tensor output = call.output.requires_grad_(true);
        graph.onBackward(() -> backward(kernel, call, workspace[1], List.of(query, key, value)));
        return output.permute(0, 2, 1, 3);
    }

    /** The kernel backward from the output leaf's gradient, then libtorch's backward into q, k, v. */
    private static void backward(FusedAttentionKernel kernel, FusedAttentionKernel.Call call, long workspaceBytes,
            List<Tensor> inputs) {
        Tensor outputGrad = call.output.grad();
        if (!outputGrad.defined()) return;
        long b = call.query.size(0), l = call.query.size(1), h = call.query.size(2), d = call.query.size(3);
        Tensor grads;
        try (NoGradGuard noGrad = new NoGradGuard()) {
            call.outputGrad = outputGrad.stride(3) == 1 ? outputGrad : outputGrad.contiguous();
            grads = Tensors.empty(Tensors.options(Tensors.dtype(call.query), call.query.device()), 3, b, l, h, d);
            call.queryGrad = grads.select(0, 0);
            call.keyGrad = grads.select(0, 1);
            call.valueGrad = grads.select(0, 2);
            call.workspace = workspace(workspaceBytes, call.query);
            kernel.backward(call);
        }
        SegmentedGraph.backward(inputs, List.of(call.queryGrad.permute(0, 2, 1, 3), call.keyGrad.permute(0, 2, 1, 3),
                call.valueGrad.permute(0, 2, 1, 3)));
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
