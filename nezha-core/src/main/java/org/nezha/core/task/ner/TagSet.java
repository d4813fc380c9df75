package org.nezha.core.task.ner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.nezha.core.InputException;

/**
 * A model's tags (HF's id2label, in id order) and the scheme they are written in: a sentence's gold entities
 * as tag ids of this model (a tag it lacks is an error naming the file and line), and which tag may start a
 * sentence, follow another, or end one.
 */
public final class TagSet {
    private final List<String> labels;
    private final TagScheme scheme;
    private final Map<String, Integer> ids = new HashMap<>();
    private final Set<String> types = new TreeSet<>();

    /** @throws InputException when the labels are not tags of one scheme (with O among them) */
    public TagSet(List<String> labels) {
        this.labels = List.copyOf(labels);
        Set<Character> prefixes = new HashSet<>();
        for (int i = 0; i < labels.size(); i++) {
            String tag = labels.get(i);
            if (!TagScheme.wellFormed(tag)) throw new InputException("the model's label \"" + tag + "\" is not a NER tag (O, or B-, I-, E-, S- or M- with a type)");
            if (ids.put(tag, i) != null) throw new InputException("the model's label \"" + tag + "\" appears twice");
            if (tag.equals(TagScheme.OUTSIDE)) continue;
            prefixes.add(TagScheme.prefix(tag));
            types.add(TagScheme.type(tag));
        }
        if (!ids.containsKey(TagScheme.OUTSIDE)) throw new InputException("the model's labels " + labels + " have no O tag");
        this.scheme = TagScheme.of(prefixes);
        if (scheme == null) throw new InputException("the model's labels mix M- tags (BMES) with I- tags (BIO, BIOES)");
    }

    /** Every tag of {@code scheme} for the entity types of {@code examples} (types sorted). */
    static TagSet covering(TagScheme scheme, List<NerExample> examples) {
        Set<String> types = new TreeSet<>();
        for (NerExample e : examples) for (Span s : e.entities()) types.add(s.type());
        return new TagSet(scheme.labels(types));
    }

    public List<String> labels() {
        return labels;
    }

    public TagScheme scheme() {
        return scheme;
    }

    int size() {
        return labels.size();
    }

    /** The tag ids of a labelled sentence's gold entities, written in this set's scheme. */
    int[] goldIds(NerExample example) {
        if (!example.labelled()) throw new IllegalArgumentException("sentence at " + example.file() + ":" + example.line() + " was read without labels");
        List<String> tags = scheme.tags(example.entities(), example.length());
        int[] out = new int[tags.size()];
        for (int i = 0; i < out.length; i++) {
            Integer id = ids.get(tags.get(i));
            if (id == null) throw unknown(tags.get(i), example, i);
            out[i] = id;
        }
        return out;
    }

    /** The gold tags of a labelled sentence in this set's scheme (checked as {@link #goldIds}). */
    List<String> goldTags(NerExample example) {
        List<String> out = new ArrayList<>();
        for (int id : goldIds(example)) out.add(labels.get(id));
        return out;
    }

    private InputException unknown(String tag, NerExample example, int word) {
        String type = TagScheme.type(tag);
        String problem = types.contains(type)
                ? "tag " + tag + " is not among the model's labels (its " + scheme + " tags of " + type + " lack it)"
                : "entity type " + type + " is not one the model knows (" + String.join(", ", types) + ")";
        return InputException.at(example.file(), example.lineOf(word), problem);
    }

    /** Whether tag {@code to} may follow tag {@code from}, by ids (from −1: the sentence's start). */
    boolean allowed(int from, int to) {
        return scheme.allowed(from < 0 ? null : labels.get(from), labels.get(to));
    }

    boolean canEnd(int tag) {
        return scheme.canEnd(labels.get(tag));
    }

    String label(int id) {
        return labels.get(id);
    }
}
