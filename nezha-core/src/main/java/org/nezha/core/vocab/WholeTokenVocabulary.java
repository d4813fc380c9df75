package org.nezha.core.vocab;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A vocabulary of whole tokens, for corpora that are already tokens (desensitized id corpora such as
 * "12 5 239"): the special tokens, then every token occurring at least {@code minFrequency} times,
 * most frequent first, until {@code vocabSize}. Ties go to the shorter token, then to the smaller in
 * {@link String#compareTo} order, so plain integer ids of equal count come in numeric order. Tokens
 * left out become [UNK] when the vocabulary is used.
 */
public final class WholeTokenVocabulary {
    private WholeTokenVocabulary() {}

    /**
     * @param vocabulary the tokens in id order
     * @param belowMinFrequency distinct tokens left out for occurring fewer than {@code minFrequency} times
     * @param beyondVocabSize distinct tokens frequent enough but left out for lack of room
     */
    public record Result(List<String> vocabulary, int belowMinFrequency, int beyondVocabSize) {}

    public static Result build(WordCounts counts, int vocabSize, long minFrequency, List<String> specialTokens) {
        Set<String> specials = new HashSet<>(specialTokens);
        List<Integer> frequent = new ArrayList<>();
        int rare = 0;
        for (int w = 0; w < counts.words().length; w++) {
            if (specials.contains(counts.words()[w])) continue;
            if (counts.counts()[w] >= minFrequency) frequent.add(w);
            else rare++;
        }
        frequent.sort(Comparator.<Integer>comparingLong(w -> -counts.counts()[w])
                .thenComparingInt(w -> counts.words()[w].length())
                .thenComparing(w -> counts.words()[w]));
        Set<String> vocabulary = new LinkedHashSet<>(specialTokens);
        int room = Math.max(0, vocabSize - vocabulary.size());
        int kept = Math.min(room, frequent.size());
        for (int i = 0; i < kept; i++) vocabulary.add(counts.words()[frequent.get(i)]);
        return new Result(List.copyOf(vocabulary), rare, frequent.size() - kept);
    }
}
