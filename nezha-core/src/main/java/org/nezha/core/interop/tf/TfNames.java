package org.nezha.core.interop.tf;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TensorFlow variable names of BERT-family checkpoints (Google's BERT, Huawei's NEZHA: both under
 * {@code bert/} and {@code cls/}) mapped to HF's {@code bert.} names, which
 * {@link org.nezha.core.io.CheckpointNames} then maps to the engine's. Dense {@code kernel}s are
 * stored [in, out] and become HF's [out, in] {@code weight}s, so they are flagged for transposition.
 * Optimizer slots, the step counter, moving averages and anything outside the model's scopes are
 * dropped with a reason, for the summary.
 */
public final class TfNames {
    /** Where a TF name goes: an HF name (and whether to transpose), or null and why it is dropped. */
    public record Mapping(String hfName, boolean transpose, String dropReason) {
        public boolean kept() {
            return hfName != null;
        }
    }

    public static final String OPTIMIZER_SLOT = "optimizer slot", TRAINING_STEP = "training step",
            MOVING_AVERAGE = "moving average", NOT_MODEL = "not a model variable";

    private record Drop(Pattern pattern, String reason) {}

    /** Group 1 of {@code pattern} is the scope path; the HF name is that path in dots plus {@code suffix}. */
    private record Rule(Pattern pattern, String suffix, boolean transpose) {
        Rule(String regex, String suffix, boolean transpose) {
            this(Pattern.compile(regex), suffix, transpose);
        }
    }

    /** First match wins: the step counter and optimizer state, whatever their scope. */
    private static final List<Drop> DROPS = List.of(
            new Drop(Pattern.compile("(^|.*/)global_step$"), TRAINING_STEP),
            new Drop(Pattern.compile(".*/(adam_m|adam_v|Adam|Adam_1|Momentum|Adagrad|RMSProp|RMSProp_1|LAMB|LAMB_1)$"), OPTIMIZER_SLOT),
            new Drop(Pattern.compile("(^|.*/)(beta1_power|beta2_power)$"), OPTIMIZER_SLOT),
            new Drop(Pattern.compile(".*ExponentialMovingAverage.*"), MOVING_AVERAGE));

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

    private TfNames() {}

    /** STUB (replaced by the albert branch). */
    public static boolean isUnsupported(String reason) {
        return false;
    }

    /** STUB (replaced by the albert branch). */
    public static Mapping map(String tfName, org.nezha.core.model.ModelFamily family) {
        return map(tfName);
    }

    public static Mapping map(String tfName) {
        for (Drop d : DROPS) if (d.pattern.matcher(tfName).matches()) return new Mapping(null, false, d.reason);
        for (Rule r : RULES) {
            Matcher m = r.pattern.matcher(tfName);
            if (m.matches()) return new Mapping(dotted(m.group(1)) + r.suffix, r.transpose, null);
        }
        return new Mapping(null, false, NOT_MODEL);
    }

    private static String dotted(String scope) {
        return LAYER.matcher(scope).replaceAll("/layer/$1").replace('/', '.');
    }
}
