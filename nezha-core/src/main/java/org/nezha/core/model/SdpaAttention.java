package org.nezha.core.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * libtorch's {@code scaled_dot_product_attention} (flash/memory-efficient/cuDNN kernels): plain
 * attention without relative positions. It cannot compute NEZHA; it serves absolute-position (BERT)
 * models and is the speed-of-light reference of {@code nezha bench attention}.
 */
public final class SdpaAttention implements AttentionBackend {
    @Override
    public Tensor attend(Tensor query, Tensor key, Tensor value, KeyMask mask, RelativePositionTable relative,
            double dropoutProb, boolean training, SegmentedGraph graph) {
        if (relative != null) {
            throw new IllegalArgumentException("sdpa attention has no relative positions; use fused or eager for NEZHA");
        }
        TensorOptional bias = mask == null ? new TensorOptional() : new TensorOptional(mask.additiveBias(query.scalar_type().intern()));
        return torch.scaled_dot_product_attention(query, key, value, bias, training ? dropoutProb : 0.0, false,
                new DoubleOptional(), false);
    }

    @Override
    public String name() {
        return "sdpa";
    }
}
