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

    /** {@code weight} × Σ over rows of {@code rowSums / rowCounts}; a row with nothing counted adds 0. */
    static Tensor weightedMeans(Tensor rowSums, Tensor rowCounts, double weight) {
        return rowSums.div(rowCounts.clamp_min(Tensors.integer(1)).to(Tensors.dtype(rowSums))).sum().mul(Tensors.scalar(weight));
    }

    /** The number of scored positions (targets other than {@link TaskModel#IGNORED}) of each row [B]. */
    static Tensor scoredCounts(Tensor targets) {
        return targets.ne(Tensors.integer(TaskModel.IGNORED)).sum(1);
    }
}
