package org.nezha.core.interop.tf;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.nezha.core.model.ModelFamily;

/**
 * TensorFlow variable names of BERT-family checkpoints mapped to HF's names. Google's BERT and
 * Huawei's NEZHA (both under {@code bert/} and {@code cls/}) map to HF's {@code bert.} names, which
 * {@link org.nezha.core.io.CheckpointNames} then maps to the loading model's family; Google's ALBERT
 * (under {@code bert/} or {@code albert/}) maps to HF's ALBERT names. Dense {@code kernel}s are stored
 * [in, out] and become HF's [out, in] {@code weight}s, so they are flagged for transposition.
 * Optimizer slots, the step counter, moving averages and anything outside the model's scopes are
 * dropped with a reason, for the summary; so are brightmart's albert_zh variables, which no HF model
 * computes.
 */
public final class TfNames {
    /** Where a TF name goes: an HF name (and whether to transpose), or null and why it is dropped. */
    public record Mapping(String hfName, boolean transpose, String dropReason) {
        public boolean kept() {
            return hfName != null;
        }
    }

    public static final String OPTIMIZER_SLOT = "optimizer slot", TRAINING_STEP = "training step",
            MOVING_AVERAGE = "moving average", NOT_MODEL = "not a model variable",
            BRIGHTMART_ALBERT = "brightmart albert_zh layout: it projects the factorised embeddings in another order "
                    + "than HF's ALBERT, so no HF model computes it (not importable)";

    private record Drop(Pattern pattern, String reason) {}

    /** Group 1 of {@code pattern} is the scope path; the HF name is that path in dots plus {@code suffix}. */
    private record Rule(Pattern pattern, String suffix, boolean transpose) {
        Rule(String regex, String suffix, boolean transpose) {
            this(Pattern.compile(regex), suffix, transpose);
        }
    }

    /** ALBERT's names do not follow its TF scopes: {@code template} (with the pattern's groups) is the HF name. */
    private record Renaming(Pattern pattern, String template, boolean transpose) {
        Renaming(String regex, String template, boolean transpose) {
            this(Pattern.compile(regex), template, transpose);
        }
    }

    /** First match wins: the step counter and optimizer state, whatever their scope. */
    private static final List<Drop> DROPS = List.of(
            new Drop(Pattern.compile("(^|.*/)global_step$"), TRAINING_STEP),
            new Drop(Pattern.compile(".*/(adam_m|adam_v|Adam|Adam_1|Momentum|Adagrad|RMSProp|RMSProp_1|LAMB|LAMB_1)$"), OPTIMIZER_SLOT),
            new Drop(Pattern.compile("(^|.*/)(beta1_power|beta2_power)$"), OPTIMIZER_SLOT),
            new Drop(Pattern.compile(".*ExponentialMovingAverage.*"), MOVING_AVERAGE),
            new Drop(Pattern.compile(".*/layer_shared/.*|.*/embeddings/word_embeddings_2"), BRIGHTMART_ALBERT));

    private static final String SCOPE = "((?:bert|cls)(?:/[A-Za-z0-9_]+)*)";

    /** First match wins. */
    private static final List<Rule> RULES = List.of(
            new Rule("(bert/embeddings/(?:word|position|token_type)_embeddings)", ".weight", false),
            new Rule("(cls/predictions)/output_bias", ".bias", false),
            new Rule("(cls/seq_relationship)/output_weights", ".weight", false), // already [2, hidden]
            new Rule("(cls/seq_relationship)/output_bias", ".bias", false),
            new Rule(SCOPE + "/LayerNorm/gamma", ".LayerNorm.weight", false),
            new Rule(SCOPE + "/LayerNorm/beta", ".LayerNorm.bias", false),
            new Rule(SCOPE + "/kernel", ".weight", true),
            new Rule(SCOPE + "/bias", ".bias", false));

    private static final Pattern LAYER = Pattern.compile("/layer_(\\d+)(?=/|$)");

    /** Names only Google's ALBERT has. */
    private static final Pattern ALBERT_SHAPED = Pattern.compile("^albert/|/transformer/group_\\d|/embedding_hidden_mapping_in/");

    private static final List<Renaming> ALBERT_RULES = albertRules();

    private static List<Renaming> albertRules() {
        String base = "(?:bert|albert)/", block = base + "encoder/transformer/group_(\\d+)/inner_group_(\\d+)/";
        String hfBlock = "albert.encoder.albert_layer_groups.$1.albert_layers.$2.";
        List<Renaming> rules = new ArrayList<>(List.of(
                new Renaming(base + "embeddings/(word|position|token_type)_embeddings", "albert.embeddings.$1_embeddings.weight", false),
                new Renaming("cls/predictions/output_bias", "predictions.bias", false),
                new Renaming("cls/seq_relationship/output_weights", "sop_classifier.classifier.weight", false), // already [2, hidden]
                new Renaming("cls/seq_relationship/output_bias", "sop_classifier.classifier.bias", false),
                // Google's run_classifier keeps its classifier unscoped, [labels, hidden]
                new Renaming("output_weights", "classifier.weight", false),
                new Renaming("output_bias", "classifier.bias", false)));
        // TF module → HF module, for modules of kernel/bias (dense) or gamma/beta (LayerNorm)
        String[][] modules = {
            {base + "embeddings/LayerNorm", "albert.embeddings.LayerNorm"},
            {base + "encoder/embedding_hidden_mapping_in", "albert.encoder.embedding_hidden_mapping_in"},
            {block + "attention_1/self/(query|key|value)", hfBlock + "attention.$3"},
            {block + "attention_1/output/dense", hfBlock + "attention.dense"},
            {block + "LayerNorm", hfBlock + "attention.LayerNorm"},
            {block + "ffn_1/intermediate/dense", hfBlock + "ffn"},
            {block + "ffn_1/intermediate/output/dense", hfBlock + "ffn_output"},
            {block + "LayerNorm_1", hfBlock + "full_layer_layer_norm"},
            {base + "pooler/dense", "albert.pooler"},
            {"cls/predictions/transform/dense", "predictions.dense"},
            {"cls/predictions/transform/LayerNorm", "predictions.LayerNorm"}};
        for (String[] m : modules) {
            rules.add(new Renaming(m[0] + "/kernel", m[1] + ".weight", true));
            rules.add(new Renaming(m[0] + "/(?:bias|beta)", m[1] + ".bias", false));
            rules.add(new Renaming(m[0] + "/gamma", m[1] + ".weight", false));
        }
        return List.copyOf(rules);
    }

    private TfNames() {}

    /** As {@link #map(String, ModelFamily)}, telling ALBERT by the name. */
    public static Mapping map(String tfName) {
        return map(tfName, null);
    }

    /**
     * @param family the family of the model the checkpoint is for; null: ALBERT names where the name is
     *     ALBERT's alone (under {@code albert/}, in {@code transformer/group_N}, the embedding projection),
     *     BERT names elsewhere, which suits BERT and NEZHA but leaves an ALBERT's pooler and MLM head
     *     under BERT's names: a caller that knows the family passes it
     */
    public static Mapping map(String tfName, ModelFamily family) {
        for (Drop d : DROPS) if (d.pattern.matcher(tfName).matches()) return new Mapping(null, false, d.reason);
        boolean albert = family == null ? ALBERT_SHAPED.matcher(tfName).find() : family == ModelFamily.ALBERT;
        if (albert) {
            for (Renaming r : ALBERT_RULES) {
                Matcher m = r.pattern.matcher(tfName);
                if (m.matches()) return new Mapping(filledIn(m, r.template), r.transpose, null);
            }
            return new Mapping(null, false, NOT_MODEL);
        }
        for (Rule r : RULES) {
            Matcher m = r.pattern.matcher(tfName);
            if (m.matches()) return new Mapping(dotted(m.group(1)) + r.suffix, r.transpose, null);
        }
        return new Mapping(null, false, NOT_MODEL);
    }

    /** {@code template} with the groups of {@code whole}, a match of the whole name, filled in. */
    private static String filledIn(Matcher whole, String template) {
        StringBuilder out = new StringBuilder();
        whole.appendReplacement(out, template); // nothing precedes or follows a whole-name match
        return out.toString();
    }

    private static String dotted(String scope) {
        return LAYER.matcher(scope).replaceAll("/layer/$1").replace('/', '.');
    }
}
