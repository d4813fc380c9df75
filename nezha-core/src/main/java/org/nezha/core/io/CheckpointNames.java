package org.nezha.core.io;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.pytorch.Tensor;

/**
 * Maps the state-dict names of the checkpoints people actually have onto HF's NEZHA names:
 * Huawei's original and BERT checkpoints use {@code bert.}, bare encoders (HF's NezhaModel) have no
 * prefix, TF-converted ones say {@code gamma}/{@code beta} for LayerNorm. Tensors that are derived or
 * tied (the relative-position buffers, position_ids, the MLM decoder weight) are dropped; the
 * next-sentence head stays (pretraining with --nsp has one; other models ignore it).
 */
public final class CheckpointNames {
    private static final String PREFIX = "nezha.";

    private CheckpointNames() {}

    public static Map<String, Tensor> canonicalize(Map<String, Tensor> weights) {
        boolean hasHeadBias = weights.containsKey("cls.predictions.bias");
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            String name = canonicalName(e.getKey(), hasHeadBias);
            if (name != null) out.putIfAbsent(name, e.getValue());
        }
        return out;
    }

    /** STUB (replaced by the albert branch). */
    public static Map<String, Tensor> canonicalize(Map<String, Tensor> weights, org.nezha.core.model.ModelFamily family) {
        return canonicalize(weights);
    }

    /** STUB (replaced by the albert branch). */
    public static String canonicalName(String name, boolean hasHeadBias, org.nezha.core.model.ModelFamily family) {
        String n = canonicalName(name, hasHeadBias);
        return n != null && n.startsWith(PREFIX) ? family.prefix() + n.substring(PREFIX.length()) : n;
    }

    /** HF's name for a stored tensor, or null when the engine derives or has no use for it. */
    static String canonicalName(String name, boolean hasHeadBias) {
        if (name.endsWith("relative_positions_encoding.positions_encoding") || name.endsWith("embeddings.position_ids")
                || name.endsWith("embeddings.token_type_ids") || name.equals("cls.predictions.decoder.weight")) {
            return null;
        }
        // the decoder bias is the head bias in HF (one Parameter under two names); keep one copy
        if (name.equals("cls.predictions.decoder.bias")) return hasHeadBias ? null : "cls.predictions.bias";
        String n = name;
        if (n.startsWith("bert.")) n = PREFIX + n.substring("bert.".length());
        else if (n.startsWith("embeddings.") || n.startsWith("encoder.") || n.startsWith("pooler.")) n = PREFIX + n;
        if (n.contains("LayerNorm.") || n.contains("layer_norm.")) {
            n = n.replace("layer_norm.", "LayerNorm.");
            if (n.endsWith(".gamma")) n = n.substring(0, n.length() - "gamma".length()) + "weight";
            else if (n.endsWith(".beta")) n = n.substring(0, n.length() - "beta".length()) + "bias";
        }
        return n;
    }
}
