package org.nezha.core.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.nezha.core.InputException;
import org.nezha.core.OptionChecks;
import org.nezha.core.model.ClassificationLoss;
import org.nezha.core.task.classification.ClassWeights;
import org.nezha.core.train.AdversarialTraining;
import org.nezha.core.train.LearningRateSchedule;

/**
 * The fine-tuning tricks a competitor switches on ({@code finetune}'s options of the same names), checked
 * up front, saved with the run's settings and in every checkpoint, and compared on {@code --resume}:
 * a checkpoint continues only with the tricks it was trained with. Null fields were not given.
 *
 * @param loss one of {@link ClassificationLoss#NAMES}: pair, single, ner (without a CRF) and span unless {@code ce}
 * @param focalGamma γ of {@code focal} (default 2); {@code focalAlpha}: its α for a binary task, or none
 * @param labelSmoothing ε of {@code label-smoothing} (default 0.1)
 * @param classWeights {@link ClassWeights#BALANCED} or a file of {@code label<TAB>weight} lines (pair, single, ner's tags)
 * @param scheduler one of {@link LearningRateSchedule#SCHEDULERS}; {@code polyPower}: {@code poly}'s power (default 1)
 * @param layerwiseLrDecay R in (0, 1] (1: none); {@code headLr}: the task head's own peak rate
 * @param adversarial one of {@link AdversarialTraining#METHODS} or null; {@code advEpsilon}, {@code pgdSteps},
 *     {@code pgdAlpha}: its ε (default 1), PGD's K (default 3) and α (default 0.3)
 * @param ema the decay of an exponential moving average of the weights that evaluation and the best model use, or null
 * @param multiSampleDropout dropout masks drawn before the classifier in training, their losses averaged (1: the usual one)
 * @param rdrop R-Drop's α: two passes with their own dropout, the mean of their losses + α × their symmetric KL; or null
 */
public record TrainingTricks(String loss, Double focalGamma, Double focalAlpha, Double labelSmoothing, String classWeights,
        String scheduler, Double polyPower, double layerwiseLrDecay, Double headLr, boolean freezeEmbeddings,
        String adversarial, Double advEpsilon, Integer pgdSteps, Double pgdAlpha, Double ema, int multiSampleDropout, Double rdrop) {

    public static final TrainingTricks DEFAULTS = new TrainingTricks("ce", null, null, null, null, "linear", null, 1.0, null, false,
            null, null, null, null, null, 1, null);
    /** The tasks whose head is a softmax over classes, tags or positions ({@link org.nezha.core.model.ChoosableLoss}). */
    private static final List<String> SOFTMAX_TASKS = List.of("pair", "single", "ner", "span");
    /** Those of them whose softmax is over labels, which class weights can weigh (span's is over positions). */
    private static final List<String> LABELLED_TASKS = List.of("pair", "single", "ner");

    /**
     * Refuses unknown names, values out of range, options without their loss or scheduler, and losses the task's
     * head has none of ({@code crf}: a tagger with a CRF, whose loss is its tag chain's likelihood).
     */
    void validate(String task, boolean crf, double learningRate) {
        if (!ClassificationLoss.NAMES.contains(loss)) {
            throw new InputException("--loss " + loss + ": choose one of " + String.join(", ", ClassificationLoss.NAMES));
        }
        LearningRateSchedule.decayOf(scheduler);
        if (!loss.equals("ce") && !SOFTMAX_TASKS.contains(task)) {
            throw new InputException("--loss " + loss + " applies to " + String.join(", ", SOFTMAX_TASKS) + ", not " + task);
        }
        if (classWeights != null && !LABELLED_TASKS.contains(task)) {
            throw new InputException("--class-weights applies to " + String.join(", ", LABELLED_TASKS) + ", not " + task);
        }
        if (focalAlpha != null && !LABELLED_TASKS.contains(task)) {
            throw new InputException("--focal-alpha weighs the two labels of a binary task, not " + task + "'s positions");
        }
        if (crf && (!loss.equals("ce") || classWeights != null)) {
            throw new InputException((classWeights != null ? "--class-weights" : "--loss " + loss)
                    + ": with --crf the tagger trains by its tag chain's likelihood, not a per-token softmax; leave out one of them");
        }
        requireOnlyWith("--focal-gamma", focalGamma, "--loss focal", loss.equals("focal"));
        requireOnlyWith("--focal-alpha", focalAlpha, "--loss focal", loss.equals("focal"));
        requireOnlyWith("--label-smoothing", labelSmoothing, "--loss label-smoothing", loss.equals("label-smoothing"));
        requireOnlyWith("--poly-power", polyPower, "--scheduler poly", scheduler.equals("poly"));
        if (focalGamma != null) OptionChecks.nonNegative("--focal-gamma", focalGamma);
        if (focalAlpha != null) OptionChecks.probability("--focal-alpha", focalAlpha);
        if (labelSmoothing != null) OptionChecks.fractionBelowOne("--label-smoothing", labelSmoothing);
        if (polyPower != null) OptionChecks.positive("--poly-power", polyPower);
        if (!(layerwiseLrDecay > 0 && layerwiseLrDecay <= 1)) {
            throw new InputException("--layerwise-lr-decay must be in (0, 1], got " + layerwiseLrDecay);
        }
        if (headLr != null) OptionChecks.positive("--head-lr", headLr);
        requireOnlyWith("--adv-epsilon", advEpsilon, "--adversarial", adversarial != null);
        requireOnlyWith("--pgd-steps", pgdSteps, "--adversarial pgd", "pgd".equals(adversarial));
        requireOnlyWith("--pgd-alpha", pgdAlpha, "--adversarial pgd", "pgd".equals(adversarial));
        if (adversarial != null && freezeEmbeddings) {
            throw new InputException("--adversarial perturbs the word embeddings along their gradient: not with --freeze-embeddings");
        }
        adversarialTraining(); // checks its names and ranges
        if (ema != null) OptionChecks.openFraction("--ema", ema);
        OptionChecks.atLeast("--multi-sample-dropout", multiSampleDropout, 1);
        if (rdrop != null) OptionChecks.nonNegative("--rdrop", rdrop);
        if (rdrop != null && multiSampleDropout > 1) throw new InputException("--rdrop and --multi-sample-dropout: choose one");
        if (scheduler.equals("poly") && !(learningRate > LearningRateSchedule.POLY_END_RATE)) {
            throw new InputException("--scheduler poly decays to " + LearningRateSchedule.POLY_END_RATE + ": --lr must be above it, got "
                    + learningRate);
        }
    }

    private static void requireOnlyWith(String option, Object value, String needed, boolean present) {
        if (value != null && !present) throw new InputException(option + " applies only with " + needed);
    }

    /** The loss for a classifier with these labels ({@code weights}: {@link #classWeights}), or null for its plain cross-entropy. */
    ClassificationLoss classificationLoss(List<String> labels, Map<String, Double> weights) {
        if (loss.equals("ce") && weights == null) return null;
        if (focalAlpha != null && labels.size() != 2) {
            throw new InputException("--focal-alpha weighs the two classes of a binary task; this one has " + labels.size()
                    + " labels (use --class-weights)");
        }
        float[] perLabel = null;
        if (weights != null) {
            perLabel = new float[labels.size()];
            for (int i = 0; i < perLabel.length; i++) perLabel[i] = weights.get(labels.get(i)).floatValue();
        }
        return new ClassificationLoss(loss, effectiveFocalGamma(), focalAlpha, effectiveLabelSmoothing(), perLabel);
    }

    /** The class weights by label ({@code counts}: training rows per label, tokens for tags), or null without {@code --class-weights}. */
    Map<String, Double> classWeights(List<String> labels, long[] counts) {
        return classWeights == null ? null : ClassWeights.resolve(classWeights, labels, counts);
    }

    /** The adversarial training asked for, or null. */
    AdversarialTraining adversarialTraining() {
        if (adversarial == null) return null;
        return new AdversarialTraining(adversarial, advEpsilon != null ? advEpsilon : 1.0,
                pgdSteps != null ? pgdSteps : AdversarialTraining.DEFAULT_PGD_STEPS, pgdAlpha != null ? pgdAlpha : AdversarialTraining.DEFAULT_PGD_ALPHA);
    }

    private double effectiveFocalGamma() {
        return focalGamma != null ? focalGamma : 2.0;
    }

    private double effectiveLabelSmoothing() {
        return labelSmoothing != null ? labelSmoothing : 0.1;
    }

    double effectivePolyPower() {
        return polyPower != null ? polyPower : 1.0;
    }

    /**
     * The values in effect, keyed by option name without its dashes ({@code focal_gamma} for {@code --focal-gamma}),
     * null where they do not apply; {@code resolvedWeights}: the class weights by label, or null.
     */
    Map<String, Object> describe(Map<String, Double> resolvedWeights) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("loss", loss);
        map.put("focal_gamma", loss.equals("focal") ? effectiveFocalGamma() : null);
        map.put("focal_alpha", focalAlpha);
        map.put("label_smoothing", loss.equals("label-smoothing") ? effectiveLabelSmoothing() : null);
        map.put("class_weights", resolvedWeights);
        map.put("scheduler", scheduler);
        map.put("poly_power", scheduler.equals("poly") ? effectivePolyPower() : null);
        map.put("layerwise_lr_decay", layerwiseLrDecay);
        map.put("head_lr", headLr);
        map.put("freeze_embeddings", freezeEmbeddings);
        AdversarialTraining adv = adversarialTraining();
        boolean pgd = adv != null && adv.method().equals("pgd");
        map.put("adversarial", adversarial);
        map.put("adv_epsilon", adv == null ? null : adv.epsilon());
        map.put("pgd_steps", pgd ? adv.pgdSteps() : null);
        map.put("pgd_alpha", pgd ? adv.pgdAlpha() : null);
        map.put("ema", ema);
        map.put("multi_sample_dropout", multiSampleDropout > 1 ? multiSampleDropout : null); // null: as runs saved before it
        map.put("rdrop", rdrop);
        return map;
    }

    /**
     * "--loss: focal in the checkpoint, ce in this run; …": each trick that differs between two
     * {@link #describe} maps (compared as JSON values), or null when none does.
     */
    static String differences(Map<String, Object> saved, Map<String, Object> current) {
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, Object> e : current.entrySet()) {
            Object before = saved.get(e.getKey());
            if (!sameValue(before, e.getValue())) {
                differences.add("--" + e.getKey().replace('_', '-') + ": " + before + " in the checkpoint, " + e.getValue() + " in this run");
            }
        }
        return differences.isEmpty() ? null : String.join("; ", differences);
    }

    /** Numbers compare by value (JSON reads 1 back as an integer, 1.0 as a double). */
    private static boolean sameValue(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) return x.doubleValue() == y.doubleValue();
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            return x.keySet().equals(y.keySet()) && x.keySet().stream().allMatch(k -> sameValue(x.get(k), y.get(k)));
        }
        return Objects.equals(a, b);
    }
}
