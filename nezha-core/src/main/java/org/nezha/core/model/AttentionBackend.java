package org.nezha.core.model;

import org.bytedeco.pytorch.Tensor;

/**
 * Scaled dot-product attention of one layer, with or without NEZHA's relative positions.
 * Backends (eager libtorch ops, fused kernels) must agree within dtype tolerance.
 */
public interface AttentionBackend {
    /**
     * @param query, key, value [B, H, L, d]
     * @param maskBias additive key mask [B, 1, 1, L] (0 for keys to attend, a very negative number for padding), or null
     * @param relative the relative-position table, or null for plain (BERT, absolute) attention
     * @param dropoutProb attention-probability dropout, applied only when {@code training}
     * @return the context [B, H, L, d]
     */
    Tensor attend(Tensor query, Tensor key, Tensor value, Tensor maskBias, RelativePositionTable relative,
            double dropoutProb, boolean training);

    /** The name users select it by ({@code --attention NAME}). */
    String name();
}
