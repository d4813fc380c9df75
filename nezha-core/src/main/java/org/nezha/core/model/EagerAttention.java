package org.nezha.core.model;

import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.tensor.Tensors;

/**
 * The reference attention, written with libtorch ops exactly as HF's NezhaSelfAttention:
 * {@code s_ij = (q_i·k_j + q_i·T[r_ij]) / √d + mask_j}, {@code o_i = Σ_j softmax(s)_ij (v_j + T[r_ij])}.
 * It materialises the [L, L, d] relative tensor and the [B, H, L, L] scores.
 */
public final class EagerAttention implements AttentionBackend {
    @Override
    public Tensor attend(Tensor query, Tensor key, Tensor value, KeyMask mask, RelativePositionTable relative,
            double dropoutProb, boolean training, SegmentedGraph graph) {
        long b = query.size(0), h = query.size(1), l = query.size(2), d = query.size(3);
        Tensor scores = torch.matmul(query, key.transpose(-1, -2));
        Tensor rel = null;
        Tensor queryByPosition = null;
        if (relative != null) {
            rel = relative.embeddings(l, Tensors.dtype(query), query.device()); // [L, L, d]
            // [L, B*H, d] x [L, d, L] -> [L, B*H, L]: q_i · T[r_ij] for each query position i
            queryByPosition = query.permute(2, 0, 1, 3).contiguous().view(l, b * h, d);
            Tensor keyTerm = torch.matmul(queryByPosition, rel.permute(0, 2, 1)).view(l, b, h, l).permute(1, 2, 0, 3);
            scores = scores.add(keyTerm);
        }
        scores = scores.div(Tensors.scalar(Math.sqrt(d)));
        if (mask != null) scores = scores.add(mask.additiveBias(Tensors.dtype(scores)));
        Tensor probs = softmax(scores);
        if (training && dropoutProb > 0) probs = torch.dropout(probs, dropoutProb, true);
        Tensor context = torch.matmul(probs, value);
        if (relative != null) {
            // [L, B*H, L] x [L, L, d] -> [L, B*H, d]: Σ_j p_ij T[r_ij]
            Tensor probsByPosition = probs.permute(2, 0, 1, 3).contiguous().view(l, b * h, l);
            Tensor valueTerm = torch.matmul(probsByPosition, rel).view(l, b, h, d).permute(1, 2, 0, 3);
            context = context.add(valueTerm);
        }
        return context;
    }

    /** Softmax over keys, in float32 when the scores are half precision (as CUDA autocast does). */
    private static Tensor softmax(Tensor scores) {
        ScalarType type = Tensors.dtype(scores);
        if (type != ScalarType.Half && type != ScalarType.BFloat16) return torch.softmax(scores, -1);
        return torch.softmax(scores, -1, new ScalarTypeOptional(ScalarType.Float)).to(type);
    }

    @Override
    public String name() {
        return "eager";
    }
}
