package org.nezha.core.task.ner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * How tags spell entities: BIO (IOB2: B-X begins, I-X continues), BIOES (also E-X ends, S-X is a one-word
 * entity) and BMES (BIOES with M-X in the middle). Tags are {@code O} or {@code P-TYPE}. Also the scheme's
 * rules for which tag may follow which, which decoding enforces.
 */
public enum TagScheme {
    BIO("BI"), BIOES("BIES"), BMES("BMES");

    public static final String OUTSIDE = "O";

    private final String prefixes;

    TagScheme(String prefixes) {
        this.prefixes = prefixes;
    }

    /** The scheme a set of tag prefixes is written in (M: BMES; E or S: BIOES; else BIO), or null when I and M mix. */
    public static TagScheme of(Collection<Character> prefixes) {
        if (prefixes.contains('M')) return prefixes.contains('I') ? null : BMES;
        return prefixes.contains('E') || prefixes.contains('S') ? BIOES : BIO;
    }

    /** Whether {@code tag} is {@code O} or one of B, I, M, E, S, a dash and a type. */
    static boolean wellFormed(String tag) {
        return tag.equals(OUTSIDE) || (tag.length() > 2 && "BIMES".indexOf(tag.charAt(0)) >= 0 && tag.charAt(1) == '-');
    }

    /** The tag's prefix letter; {@code O} for outside. */
    static char prefix(String tag) {
        return tag.charAt(0);
    }

    /** The entity type of a tag other than {@code O}. */
    static String type(String tag) {
        return tag.substring(2);
    }

    /** {@code O}, then for each type its tags in the scheme's order (B, I / B, I, E, S / B, M, E, S). */
    public List<String> labels(Collection<String> types) {
        List<String> labels = new ArrayList<>(List.of(OUTSIDE));
        for (String type : types) for (char p : prefixes.toCharArray()) labels.add(p + "-" + type);
        return labels;
    }

    /** The tags of a sentence of {@code length} words holding {@code entities} (sorted, not overlapping). */
    public List<String> tags(List<Span> entities, int length) {
        String[] tags = new String[length];
        Arrays.fill(tags, OUTSIDE);
        char inside = this == BMES ? 'M' : 'I';
        for (Span e : entities) {
            boolean single = e.end() - e.start() == 1;
            tags[e.start()] = (single && this != BIO ? 'S' : 'B') + "-" + e.type();
            for (int i = e.start() + 1; i < e.end(); i++) tags[i] = inside + "-" + e.type();
            if (!single && this != BIO) tags[e.end() - 1] = "E-" + e.type();
        }
        return List.of(tags);
    }

    /** Whether {@code to} may follow {@code from} (null: the sentence's start). */
    public boolean allowed(String from, String to) {
        char f = from == null ? 'O' : prefix(from), t = prefix(to);
        boolean sameType = f != 'O' && t != 'O' && type(from).equals(type(to));
        if (open(f)) return continues(t) && sameType;
        if (continues(t)) return this == BIO && (f == 'B' || f == 'I') && sameType;
        return true;
    }

    /** Whether a sentence may end on {@code tag}. */
    public boolean canEnd(String tag) {
        return !open(prefix(tag));
    }

    /** After this prefix the entity must go on (BIOES, BMES: B and I/M). */
    private boolean open(char prefix) {
        return this != BIO && (prefix == 'B' || prefix == insideLetter());
    }

    /** This prefix continues an entity begun before it. */
    private boolean continues(char prefix) {
        return prefix == insideLetter() || (this != BIO && prefix == 'E');
    }

    private char insideLetter() {
        return this == BMES ? 'M' : 'I';
    }
}
