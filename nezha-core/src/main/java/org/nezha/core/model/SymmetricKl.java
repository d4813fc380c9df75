package org.nezha.core.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.tensor.Tensors;

/** ½(KL(P‖Q) + KL(Q‖P)) = ½ Σ (p − q)(log p − log q) between softmaxes, R-Drop's consistency term. */
final class SymmetricKl {
    private SymmetricKl() {}

    /** Between the softmaxes of {@code a} and {@code b} over dimension {@code dim}, which the result no longer has; float32. */
    static Tensor over(Tensor a, Tensor b, long dim) {
        Tensor logP = torch.log_softmax(a.to(ScalarType.Float), dim), logQ = torch.log_softmax(b.to(ScalarType.Float), dim);
        return logP.exp().sub(logQ.exp()).mul(logP.sub(logQ)).sum(dim).mul(Tensors.scalar(0.5));
    }
}
