package org.nezha.core.model;

import java.util.EnumMap;
import java.util.Map;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.tensor.Tensors;

/**
 * The key-padding mask of one batch in the forms the attention backends want: HF's additive bias
 * [B, 1, 1, L] for eager attention, a uint8 [B, L] keep-mask for the fused kernels. Built once per
 * forward and shared by every layer.
 */
public final class KeyMask {
    private final Tensor attentionMask;
    private final Map<ScalarType, Tensor> biases = new EnumMap<>(ScalarType.class);
    private Tensor keep;

    /** @param attentionMask int64 [B, L], 1 for tokens and 0 for padding */
    public KeyMask(Tensor attentionMask) {
        this.attentionMask = attentionMask;
    }

    /** (1 − mask) · min(dtype), shaped [B, 1, 1, L], as HF's extended attention mask. */
    public Tensor additiveBias(ScalarType dtype) {
        return biases.computeIfAbsent(dtype.intern(), t -> attentionMask.to(t).neg().add(Tensors.scalar(1))
                .mul(Tensors.scalar(lowest(t))).unsqueeze(1).unsqueeze(2));
    }

    /** uint8 [B, L], 1 for keys to attend, contiguous. */
    public Tensor keep() {
        if (keep == null) keep = attentionMask.ne(Tensors.integer(0)).to(ScalarType.Byte).contiguous();
        return keep;
    }

    /** torch.finfo(dtype).min */
    static double lowest(ScalarType dtype) {
        return switch (dtype.intern()) {
            case Double -> -Double.MAX_VALUE;
            case Half -> -65504.0;
            case BFloat16 -> -3.3895313892515355e38;
            default -> -Float.MAX_VALUE;
        };
    }
}
