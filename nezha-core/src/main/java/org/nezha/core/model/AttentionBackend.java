package org.nezha.core.model;

import org.bytedeco.pytorch.Tensor;

/**
 * Scaled dot-product attention of one layer, with or without NEZHA's relative positions.
 * Backends (eager libtorch ops, fused kernels) must agree within dtype tolerance.
 */
public interface AttentionBackend {
    /**
     * @param query, key, value [B, H, L, d]
     * @param mask the key-padding mask, or null when every key is attended
     * @param relative the relative-position table, or null for plain (BERT, absolute) attention
     * @param dropoutProb attention-probability dropout, applied only when {@code training}
     * @param graph where a backend that {@linkplain #cutsGraph cuts the graph} records its backward;
     *     null when no gradient is needed
     * @return the context [B, H, L, d]
     */
    Tensor attend(Tensor query, Tensor key, Tensor value, KeyMask mask, RelativePositionTable relative,
            double dropoutProb, boolean training, SegmentedGraph graph);

    /**
     * The same from a fused QKV projection output {@code qkv} [B, L, 3, H, d] (q, k, v along dim 2).
     * Backends that read strided inputs use it without splitting, and send one gradient back.
     */
    default Tensor attendPacked(Tensor qkv, KeyMask mask, RelativePositionTable relative, double dropoutProb,
            boolean training, SegmentedGraph graph) {
        return attend(unpack(qkv, 0), unpack(qkv, 1), unpack(qkv, 2), mask, relative, dropoutProb, training, graph);
    }

    /** q (0), k (1) or v (2) of a packed [B, L, 3, H, d] tensor, as a [B, H, L, d] view. */
    static Tensor unpack(Tensor qkv, int part) {
        return qkv.select(2, part).permute(0, 2, 1, 3);
    }

    /** True when the backward runs outside libtorch's autograd, through a {@link SegmentedGraph}. */
    default boolean cutsGraph() {
        return false;
    }

    /** The name users select it by ({@code --attention NAME}). */
    String name();
}
