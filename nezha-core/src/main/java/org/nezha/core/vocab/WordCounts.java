package org.nezha.core.vocab;

import java.util.Arrays;
import java.util.Map;

/**
 * How often each distinct word occurs in a corpus, the words in {@link String#compareTo} order so
 * that everything built from them is independent of how the counting was split across threads.
 *
 * @param words the distinct words, sorted
 * @param counts {@code counts[i]} is the number of occurrences of {@code words[i]}
 * @param lines the non-blank lines read
 */
public record WordCounts(String[] words, long[] counts, long lines) {
    static WordCounts sorted(Map<String, long[]> counts, long lines) {
        String[] words = counts.keySet().toArray(String[]::new);
        Arrays.sort(words);
        long[] sortedCounts = new long[words.length];
        for (int i = 0; i < words.length; i++) sortedCounts[i] = counts.get(words[i])[0];
        return new WordCounts(words, sortedCounts, lines);
    }

    public int distinctWords() {
        return words.length;
    }

    public long totalWords() {
        long total = 0;
        for (long count : counts) total += count;
        return total;
    }
}
