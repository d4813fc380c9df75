package org.nezha.core.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.tensor.Tensors;

/**
 * The negative log-likelihood of a linear-chain CRF, as pytorch-crf scores a path: {@code start[y₀] +
 * Σᵢ emissions[i, yᵢ] + Σᵢ transitions[yᵢ₋₁, yᵢ] + end[y_last]}, normalised by the forward algorithm
 * (log-sum-exp over all paths). Each row's chain is its scored positions only — those whose target is not
 * {@link TaskModel#IGNORED}, in order — so [CLS], [SEP], padding, a word's later pieces and a window's
 * overlap take no part, and the tags of neighbouring words are neighbours in the chain. Computed in the
 * emissions' dtype (the head passes float32).
 */
final class LinearChainCrf {
    private LinearChainCrf() {}

    /**
     * @param emissions [B, L, T]
     * @param targets int64 [B, L], a tag or {@link TaskModel#IGNORED}
     * @param start, end [T]; {@code transitions} [T, T] (from, to)
     * @return each row's negative log-likelihood [B]; 0 for a row without a scored position
     */
    static Tensor negativeLogLikelihood(Tensor emissions, Tensor targets, Tensor start, Tensor end, Tensor transitions) {
        long rows = emissions.size(0), length = emissions.size(1), tags = emissions.size(2);
        Tensor scored = targets.ne(Tensors.integer(TaskModel.IGNORED));
        Tensor count = scored.sum(1);
        // move each row's scored positions to its front, in order: the chains, left-aligned
        Tensor positions = torch.arange(Tensors.scalar(length), Tensors.options(ScalarType.Long, targets.device()))
                .unsqueeze(0).expand(rows, length);
        Tensor order = torch.argsort(torch.where(scored, positions, positions.add(Tensors.integer(length))), true, 1, false);
        Tensor chain = torch.gather(emissions, 1, order.unsqueeze(2).expand(rows, length, tags)); // [B, L, T]
        Tensor path = torch.gather(targets, 1, order).clamp_min(Tensors.integer(0)); // beyond a chain's end: any tag, masked
        Tensor inChain = positions.lt(count.unsqueeze(1));
        Tensor weights = inChain.to(Tensors.dtype(emissions));

        Tensor gold = torch.gather(chain, 2, path.unsqueeze(2)).squeeze(2).mul(weights).sum(1)
                .add(start.index_select(0, path.select(1, 0)))
                .add(end.index_select(0, torch.gather(path, 1, count.sub(Tensors.integer(1)).clamp_min(Tensors.integer(0)).unsqueeze(1)).squeeze(1)));
        if (length > 1) {
            Tensor pairs = path.narrow(1, 0, length - 1).mul(Tensors.integer(tags)).add(path.narrow(1, 1, length - 1));
            Tensor moves = transitions.reshape(tags * tags).index_select(0, pairs.reshape(rows * (length - 1))).view(rows, length - 1);
            gold = gold.add(moves.mul(weights.narrow(1, 1, length - 1)).sum(1));
        }

        // forward algorithm: alpha[b, j] = log Σ over paths ending in tag j of exp(score); a row keeps its alpha past its chain's end
        long steps = count.max().item_long(); // the longest chain: the loop's bound (one read back per batch)
        Tensor alpha = start.unsqueeze(0).add(chain.select(1, 0));
        Tensor moves = transitions.unsqueeze(0);
        for (long i = 1; i < steps; i++) {
            Tensor next = alpha.unsqueeze(2).add(moves).add(chain.select(1, i).unsqueeze(1)).logsumexp(new long[] {1}, false);
            alpha = torch.where(inChain.select(1, i).unsqueeze(1), next, alpha);
        }
        Tensor partition = alpha.add(end.unsqueeze(0)).logsumexp(new long[] {1}, false);
        return torch.where(count.gt(Tensors.integer(0)), partition.sub(gold), torch.zeros_like(partition));
    }
}
