package org.nezha.core.retrieval;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.tensor.Tensors;

/** Sentence-embedding training losses, computed in float32 whatever precision the embeddings come in. */
public final class ContrastiveLoss {
    /** CoSENT's scale: the paper's (and its reference code's) λ = 20. */
    public static final double COSENT_LAMBDA = 20;
    private static final long IGNORED_INDEX = -100; // torch's default

    private ContrastiveLoss() {}

    /**
     * SimCSE's InfoNCE: row i of {@code queries} [B, d] should pick row i of {@code positives} [B, d] out of all
     * B positives and every row of {@code hardNegatives} [B, d] (null: none) — the other rows' positives are
     * in-batch negatives. Both sides are L2-normalised, scores = q · [pos; neg]ᵀ / temperature [B, B or 2B],
     * and the loss is the cross-entropy with target i for row i, averaged over rows.
     */
    public static Tensor infoNce(Tensor queries, Tensor positives, Tensor hardNegatives, double temperature) {
        return infoNce(queries, positives, hardNegatives, temperature, null);
    }

    /**
     * InfoNCE averaged over the rows {@code counted} (bool [B]; null: all) only: a pair that is not a positive
     * asks no question, but its texts stay candidates for the others. No counted row: 0 (with a gradient of 0).
     */
    public static Tensor infoNce(Tensor queries, Tensor positives, Tensor hardNegatives, double temperature, Tensor counted) {
        if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        requireSameShape("positives", positives, queries);
        if (hardNegatives != null) requireSameShape("hard negatives", hardNegatives, queries);
        Tensor q = torch.normalize(queries.to(ScalarType.Float)); // p = 2 over dim 1, eps 1e-12: F.normalize's defaults
        Tensor candidates = torch.normalize(positives.to(ScalarType.Float));
        if (hardNegatives != null) {
            candidates = torch.cat(new TensorVector(candidates, torch.normalize(hardNegatives.to(ScalarType.Float))), 0);
        }
        Tensor scores = q.mm(candidates.t()).div(Tensors.scalar(temperature));
        Tensor targets = torch.arange(Tensors.scalar(queries.size(0)), Tensors.options(ScalarType.Long, queries.device()));
        if (counted == null) {
            return torch.cross_entropy_loss(scores, targets, new TensorOptional(), torch.Reduction.Mean.value, IGNORED_INDEX, 0.0);
        }
        targets = targets.masked_fill(counted.logical_not(), Tensors.scalar(IGNORED_INDEX));
        Tensor sum = torch.cross_entropy_loss(scores, targets, new TensorOptional(), torch.Reduction.Sum.value, IGNORED_INDEX, 0.0);
        return sum.div(counted.sum().to(ScalarType.Float).clamp_min(Tensors.scalar(1)));
    }

    /** CoSENT with λ = {@link #COSENT_LAMBDA}. */
    public static Tensor cosent(Tensor predictedCos, Tensor gold) {
        return cosent(predictedCos, gold, COSENT_LAMBDA);
    }

    /**
     * CoSENT: log(1 + Σ over pairs with gold_i > gold_j of exp(λ (cos_j − cos_i))) over the N pairs of a batch
     * ({@code predictedCos} and {@code gold} [N]): every pair ranked above another by gold should have the
     * higher predicted cosine. Computed as logsumexp over [0, terms] so large λ·Δ cannot overflow; pairs not
     * ordered by gold are masked to a large negative number rather than -inf, whose gradients could turn NaN.
     */
    public static Tensor cosent(Tensor predictedCos, Tensor gold, double lambda) {
        if (predictedCos.dim() != 1 || gold.dim() != 1 || predictedCos.size(0) != gold.size(0)) {
            throw new IllegalArgumentException("cosent needs predicted cosines and gold scores of one shape [N], got "
                    + shape(predictedCos) + " and " + shape(gold));
        }
        Tensor cos = predictedCos.to(ScalarType.Float).mul(Tensors.scalar(lambda));
        Tensor differences = cos.unsqueeze(0).sub(cos.unsqueeze(1)); // [i][j] = λ (cos_j − cos_i)
        Tensor g = gold.to(ScalarType.Float);
        Tensor ordered = torch.gt(g.unsqueeze(1), g.unsqueeze(0)); // [i][j] = gold_i > gold_j
        Tensor terms = differences.masked_fill(ordered.logical_not(), Tensors.scalar(-1e12)).reshape(-1);
        Tensor zero = torch.zeros(new long[] {1}, Tensors.options(ScalarType.Float, terms.device()));
        return torch.cat(new TensorVector(zero, terms), 0).logsumexp(new long[] {0}, false);
    }

    private static void requireSameShape(String what, Tensor t, Tensor queries) {
        if (t.dim() != 2 || queries.dim() != 2 || t.size(0) != queries.size(0) || t.size(1) != queries.size(1)) {
            throw new IllegalArgumentException(what + " " + shape(t) + " do not match queries " + shape(queries)
                    + " (both must be [B, d])");
        }
    }

    private static String shape(Tensor t) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < t.dim(); i++) s.append(i > 0 ? ", " : "").append(t.size(i));
        return s.append(']').toString();
    }
}
