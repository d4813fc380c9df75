package org.nezha.core.train;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which parameters train and at what rate, from their HF names: layer-wise learning-rate decay, the task
 * head's own rate and frozen embeddings, as competitors set up torch parameter groups.
 * <ul>
 *   <li>Depth: the embeddings ({@code PREFIX.embeddings.*}, and ALBERT's {@code embedding_hidden_mapping_in}
 *       projection) are depth 0, encoder layer i is depth i + 1 (so the top of L layers is depth L). ALBERT's
 *       shared blocks count by their group: {@code albert_layer_groups.g} is depth g + 1 of L = the number of
 *       groups, so a model with one shared group has one layer, and decay separates only it from the embeddings.</li>
 *   <li>Layer-wise decay R: a parameter of depth d has factor R^(L − d): the top layer trains at the base rate,
 *       the embeddings at R^L of it.</li>
 *   <li>The head: the pooler and every parameter outside the encoder ({@code classifier}, {@code qa_outputs},
 *       {@code crf.*}) train at the base rate, or at {@code headRate / baseRate} of it when a head rate is given.</li>
 *   <li>Frozen embeddings: the word, position and token-type embeddings and their LayerNorm
 *       ({@code PREFIX.embeddings.*}) are left out of training.</li>
 * </ul>
 */
public final class ParameterGroups {
    private static final Pattern BERT_LAYER = Pattern.compile("encoder\\.layer\\.(\\d+)\\.");
    private static final Pattern ALBERT_GROUP = Pattern.compile("encoder\\.albert_layer_groups\\.(\\d+)\\.");

    private final String prefix;
    private final Map<String, Double> factors = new LinkedHashMap<>();
    private final List<String> trainable;

    /**
     * @param names the model's parameter names; {@code prefix}: its base model's ({@code nezha.}, {@code bert.}, {@code albert.})
     * @param layerDecay R (1: none); {@code headFactor}: the head's factor on the base rate (1: the base rate)
     */
    public ParameterGroups(Collection<String> names, String prefix, double layerDecay, double headFactor, boolean freezeEmbeddings) {
        this.prefix = prefix;
        int layers = names.stream().mapToInt(this::depth).max().orElse(0);
        for (String name : names) {
            factors.put(name, isHead(name) ? headFactor : Math.pow(layerDecay, layers - depth(name)));
        }
        trainable = names.stream().filter(name -> !(freezeEmbeddings && isEmbedding(name))).toList();
    }

    /** The parameters the optimizer updates, in the model's order. */
    public List<String> trainable() {
        return trainable;
    }

    /** Each parameter's factor on the scheduled rate. */
    public RateFactors rates() {
        return new RateFactors(factors);
    }

    private boolean isEmbedding(String name) {
        return name.startsWith(prefix + "embeddings.");
    }

    private boolean isHead(String name) {
        return !name.startsWith(prefix) || name.startsWith(prefix + "pooler");
    }

    /** 0 for the embeddings (and the head, which has no depth), i + 1 for encoder layer (ALBERT: group) i. */
    private int depth(String name) {
        if (isHead(name)) return 0;
        String local = name.substring(prefix.length());
        for (Pattern layer : List.of(BERT_LAYER, ALBERT_GROUP)) {
            Matcher m = layer.matcher(local);
            if (m.lookingAt()) return Integer.parseInt(m.group(1)) + 1;
        }
        return 0; // the embeddings and ALBERT's projection of them
    }
}
