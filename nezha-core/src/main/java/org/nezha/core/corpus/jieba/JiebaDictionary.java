package org.nezha.core.corpus.jieba;

import java.util.DoubleSummaryStatistics;
import java.util.Locale;

/**
 * jieba-analysis' main dictionary ({@code dict.txt} of its jar: "word frequency tag" per line) as its
 * WordDictionary holds it: words trimmed and lower-cased with the default locale (the last line of a word
 * wins), each word's log(frequency / total of every line), and the least of those for anything else.
 */
final class JiebaDictionary {
    private static final String RESOURCE = "/dict.txt";

    private final CharTrie trie;
    private final double minLogFreq;

    private JiebaDictionary(CharTrie trie, double minLogFreq) {
        this.trie = trie;
        this.minLogFreq = minLogFreq;
    }

    /** The words, each node's value its log-frequency. */
    CharTrie trie() {
        return trie;
    }

    /** What jieba-analysis scores a word that is not in the dictionary. */
    double minLogFreq() {
        return minLogFreq;
    }

    static JiebaDictionary load() {
        char[] text = JiebaResources.text(RESOURCE).toCharArray();
        CharTrie trie = new CharTrie();
        double total = 0;
        for (int start = 0; start < text.length; ) {
            int end = start;
            while (end < text.length && text[end] != '\n' && text[end] != '\r') end++;
            // as String.split("[\t ]+"): the first field is the word; a line without a second field is skipped
            int wordEnd = fieldEnd(text, start, end);
            int freqStart = wordEnd;
            while (freqStart < end && isSeparator(text[freqStart])) freqStart++;
            if (freqStart < end) {
                double freq = parseFreq(text, freqStart, fieldEnd(text, freqStart, end));
                total += freq;
                trie.setValue(insertNormalised(trie, text, start, wordEnd), freq);
            }
            // BufferedReader.readLine's line ends: \n, \r or \r\n
            start = end + (end + 1 < text.length && text[end] == '\r' && text[end + 1] == '\n' ? 2 : 1);
        }
        double sum = total;
        DoubleSummaryStatistics logFreqs = new DoubleSummaryStatistics();
        trie.mapValues(freq -> {
            double logFreq = Math.log(freq / sum);
            logFreqs.accept(logFreq);
            return logFreq;
        });
        return new JiebaDictionary(trie, logFreqs.getMin());
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == '\t';
    }

    private static int fieldEnd(char[] text, int from, int end) {
        while (from < end && !isSeparator(text[from])) from++;
        return from;
    }

    /** Double.valueOf of the field; plain integers (all of them in dict.txt) without making a String. */
    private static double parseFreq(char[] text, int from, int to) {
        if (to - from > 15) return Double.parseDouble(new String(text, from, to - from));
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = text[i];
            if (c < '0' || c > '9') return Double.parseDouble(new String(text, from, to - from));
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Inserts word.trim().toLowerCase(Locale.getDefault()), which leaves all but a few words as they are. */
    private static int insertNormalised(CharTrie trie, char[] text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text[i];
            if (c <= ' ' || Character.isSurrogate(c) || Character.toLowerCase(c) != c) {
                char[] word = new String(text, from, to - from).trim().toLowerCase(Locale.getDefault()).toCharArray();
                return trie.insert(word, 0, word.length);
            }
        }
        return trie.insert(text, from, to);
    }
}
