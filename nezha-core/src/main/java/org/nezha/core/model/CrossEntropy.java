package org.nezha.core.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.tensor.Tensors;

/** The heads' loss: a weighted sum rather than a mean, so data-parallel ranks can share one global batch's mean. */
final class CrossEntropy {
    private static final long NO_IGNORED_INDEX = -100; // torch's default; every label counts

    private CrossEntropy() {}

    /** {@code weight} × the summed cross-entropy of the rows of {@code logits} (weight 1 / rows: the mean), in float32. */
    static Tensor weightedSum(Tensor logits, Tensor labels, double weight) {
        Tensor sum = torch.cross_entropy_loss(logits.to(ScalarType.Float), labels, new TensorOptional(),
                torch.Reduction.Sum.value, NO_IGNORED_INDEX, 0.0); // float32 whatever precision autocast gave the logits
        return sum.mul(Tensors.scalar(weight));
    }
}
