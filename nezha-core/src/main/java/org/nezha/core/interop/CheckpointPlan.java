package org.nezha.core.interop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.interop.tf.TfNames;
import org.nezha.core.io.CheckpointNames;
import org.nezha.core.model.ModelFamily;
import org.nezha.core.model.ModelShapes;

/**
 * What becomes of each tensor of a checkpoint when a model of {@code config} takes it: used under
 * which HF name (TensorFlow kernels transposed on the way), ignored and why, or unusable (a shape
 * the config contradicts, a dtype this engine cannot read). Also which of the model's weights the
 * checkpoint lacks. Decided from the listing alone, before any tensor data is read.
 */
public final class CheckpointPlan {
    public enum Use { USED, IGNORED, BAD }

    /**
     * @param target the HF name the tensor is used (or would be used) under; null when it maps to nothing
     * @param shape the shape it has under that name (a TensorFlow kernel's transposed)
     */
    public record Fate(StoredTensor stored, String target, boolean transpose, long[] shape, Use use, String reason) {}

    public static final String DERIVED = "derived or tied (the model rebuilds it)";

    private final ModelFamily family;
    private final List<Fate> fates;
    private final List<String> missing;

    private CheckpointPlan(ModelFamily family, List<Fate> fates, List<String> missing) {
        this.family = family;
        this.fates = fates;
        this.missing = missing;
    }

    public static CheckpointPlan of(CheckpointSource source, NezhaConfig config) {
        return of(source, ModelFamily.of(config), ModelShapes.of(config));
    }

    /**
     * Names only, for a checkpoint without a config: every tensor that maps to a model weight counts as
     * used, shapes unchecked, nothing missing.
     */
    public static CheckpointPlan unchecked(CheckpointSource source, ModelFamily family) {
        return of(source, family, null);
    }

    private static CheckpointPlan of(CheckpointSource source, ModelFamily family, Map<String, long[]> expected) {
        List<Named> named = new ArrayList<>();
        for (StoredTensor t : source.tensors()) named.add(Named.of(t, source.tensorFlowNames(), family));
        boolean hasHeadBias = named.stream().anyMatch(n -> n.hfName != null && n.hfName.endsWith("predictions.bias"));
        List<Fate> fates = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (Named n : named) fates.add(fate(n, hasHeadBias, family, expected, taken));
        List<String> missing = expected == null ? List.of() : expected.keySet().stream().filter(name -> !taken.contains(name)).toList();
        return new CheckpointPlan(family, List.copyOf(fates), missing);
    }

    /** A stored tensor under its HF-side name: TensorFlow paths mapped (or dropped with a reason), others as stored. */
    private record Named(StoredTensor stored, String hfName, boolean transpose, String dropReason) {
        static Named of(StoredTensor t, boolean tensorFlow, ModelFamily family) {
            if (!tensorFlow) return new Named(t, t.name(), false, null);
            TfNames.Mapping m = TfNames.map(t.name(), family);
            return new Named(t, m.hfName(), m.transpose(), m.dropReason());
        }
    }

    private static Fate fate(Named n, boolean hasHeadBias, ModelFamily family, Map<String, long[]> expected, Set<String> taken) {
        StoredTensor t = n.stored;
        long[] shape = n.transpose && t.shape().length == 2 ? new long[] {t.shape()[1], t.shape()[0]} : t.shape();
        if (n.hfName == null) return new Fate(t, null, false, shape, TfNames.BRIGHTMART_ALBERT.equals(n.dropReason) ? Use.BAD : Use.IGNORED, n.dropReason);
        String target = CheckpointNames.canonicalName(n.hfName, hasHeadBias, family);
        if (target == null) return new Fate(t, null, false, shape, Use.IGNORED, DERIVED);
        long[] want = expected == null ? shape : expected.get(target);
        if (want == null) return new Fate(t, target, n.transpose, shape, Use.IGNORED, "no " + familyName(family) + " model of this config has it");
        if (t.unreadable() != null) return new Fate(t, target, n.transpose, shape, Use.BAD, t.unreadable());
        if (!t.isFloatingPoint()) return new Fate(t, target, n.transpose, shape, Use.BAD, "a weight stored as " + t.dtypeName() + ", not floating point");
        if (!Arrays.equals(want, shape)) {
            return new Fate(t, target, n.transpose, shape, Use.BAD, "has shape " + Arrays.toString(shape) + " but the config needs " + Arrays.toString(want));
        }
        if (!taken.add(target)) return new Fate(t, target, n.transpose, shape, Use.IGNORED, "a second tensor for " + target);
        return new Fate(t, target, n.transpose, shape, Use.USED, null);
    }

    private static String familyName(ModelFamily family) {
        return family.name().charAt(0) + family.name().substring(1).toLowerCase(java.util.Locale.ROOT);
    }

    public ModelFamily family() {
        return family;
    }

    /** One per stored tensor, in listing order. */
    public List<Fate> fates() {
        return fates;
    }

    public List<Fate> used() {
        return fates.stream().filter(f -> f.use == Use.USED).toList();
    }

    public List<Fate> bad() {
        return fates.stream().filter(f -> f.use == Use.BAD).toList();
    }

    /** Ignored tensors counted by reason, reasons sorted. */
    public Map<String, Integer> ignoredByReason() {
        Map<String, Integer> counts = new TreeMap<>();
        for (Fate f : fates) if (f.use == Use.IGNORED) counts.merge(f.reason, 1, Integer::sum);
        return counts;
    }

    public long ignoredBytes() {
        return fates.stream().filter(f -> f.use == Use.IGNORED).mapToLong(f -> f.stored.bytes()).sum();
    }

    /** Weights a model of the config has and the checkpoint lacks, in the model's order. */
    public List<String> missing() {
        return missing;
    }

    /** The missing weights no model can do without: the embeddings' and the encoder's (heads can start fresh). */
    public List<String> missingFromEncoder() {
        String prefix = family.prefix();
        return missing.stream().filter(name -> name.startsWith(prefix + "embeddings.") || name.startsWith(prefix + "encoder.")).toList();
    }

    /** HF's class for a model of these weights: the family's, with the head the checkpoint brings. */
    public String architecture() {
        Map<String, Boolean> heads = heads();
        String head = heads.get("classifier") ? "ForSequenceClassification"
                : heads.get("masked LM") ? (heads.get("next sentence") ? "ForPreTraining" : "ForMaskedLM") : "Model";
        return familyName(family) + head;
    }

    /** Which heads the checkpoint brings, by the HF names of their weights (MLM, next-sentence, classifier). */
    public Map<String, Boolean> heads() {
        Set<String> used = new HashSet<>();
        for (Fate f : used()) used.add(f.target);
        Map<String, Boolean> heads = new LinkedHashMap<>();
        heads.put("masked LM", used.stream().anyMatch(n -> n.contains("predictions.")));
        heads.put("next sentence", used.stream().anyMatch(n -> n.contains("seq_relationship") || n.contains("sop_classifier")));
        heads.put("pooler", used.stream().anyMatch(n -> n.contains("pooler")));
        heads.put("classifier", used.stream().anyMatch(n -> n.startsWith("classifier.")));
        return heads;
    }
}
