package org.nezha.core.io;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.bytedeco.pytorch.Tensor;

import org.nezha.core.model.ModelFamily;

/**
 * Maps the state-dict names of the checkpoints people actually have onto HF's names for the family
 * of the model that loads them. The base model may sit under any family's prefix ({@code nezha.};
 * {@code bert.} in Huawei's original NEZHA and in this engine's older saves of a BERT, which used
 * {@code nezha.}) or under none (HF's bare NezhaModel, BertModel, AlbertModel); it moves to the
 * loading family's prefix. TF-converted names say {@code gamma}/{@code beta} for LayerNorm, some
 * {@code layer_norm}. Heads keep their names ({@code cls.…} for NEZHA and BERT, {@code predictions.…},
 * {@code sop_classifier.…} for ALBERT, {@code classifier.…}). Tensors that are derived or tied (the
 * relative-position buffers, position_ids, the MLM decoder's weight) are dropped.
 */
public final class CheckpointNames {
    private static final List<String> BASE_PREFIXES = List.of("nezha.", "bert.", "albert.");
    private static final List<String> BARE_ENCODER = List.of("embeddings.", "encoder.", "pooler.");
    /** BERT's and ALBERT's MLM heads: the decoder weight is the word embeddings, the decoder bias the head's bias. */
    private static final List<String> MLM_HEADS = List.of("cls.predictions.", "predictions.");
    /** {@code layer_norm} as a whole name segment, not the end of ALBERT's {@code full_layer_layer_norm}. */
    private static final Pattern SNAKE_LAYER_NORM = Pattern.compile("(^|\\.)layer_norm\\.");

    private CheckpointNames() {}

    /** The tensors of a checkpoint under the HF names of {@code family}, without derived or tied ones. */
    public static Map<String, Tensor> canonicalize(Map<String, Tensor> weights, ModelFamily family) {
        boolean hasHeadBias = MLM_HEADS.stream().anyMatch(head -> weights.containsKey(head + "bias"));
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            String name = canonicalName(e.getKey(), hasHeadBias, family);
            if (name != null) out.putIfAbsent(name, e.getValue());
        }
        return out;
    }

    /**
     * HF's name in {@code family} for a stored tensor, or null when the engine derives or has no use for
     * it; {@code hasHeadBias}: whether the checkpoint stores the MLM head's bias under its own name.
     */
    public static String canonicalName(String name, boolean hasHeadBias, ModelFamily family) {
        if (name.endsWith("relative_positions_encoding.positions_encoding") || name.endsWith("embeddings.position_ids")
                || name.endsWith("embeddings.token_type_ids")) {
            return null;
        }
        for (String head : MLM_HEADS) {
            if (name.equals(head + "decoder.weight")) return null;
            // the decoder bias is the head bias in HF (one Parameter under two names); keep one copy
            if (name.equals(head + "decoder.bias")) return hasHeadBias ? null : head + "bias";
        }
        return hfNormNames(underPrefix(name, family.prefix()));
    }

    private static String underPrefix(String name, String prefix) {
        for (String base : BASE_PREFIXES) if (name.startsWith(base)) return prefix + name.substring(base.length());
        for (String module : BARE_ENCODER) if (name.startsWith(module)) return prefix + name;
        return name;
    }

    /** {@code layer_norm} → {@code LayerNorm}, and a norm's {@code gamma}/{@code beta} → {@code weight}/{@code bias}. */
    private static String hfNormNames(String name) {
        String n = SNAKE_LAYER_NORM.matcher(name).replaceAll("$1LayerNorm.");
        int dot = n.lastIndexOf('.');
        String module = n.substring(0, Math.max(dot, 0));
        if (!(module.endsWith("LayerNorm") || module.endsWith("layer_norm"))) return n;
        String leaf = n.substring(dot + 1);
        return switch (leaf) {
            case "gamma" -> module + ".weight";
            case "beta" -> module + ".bias";
            default -> n;
        };
    }
}
