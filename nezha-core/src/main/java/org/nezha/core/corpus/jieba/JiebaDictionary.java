package org.nezha.core.corpus.jieba;

import java.nio.charset.StandardCharsets;
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
        byte[] text = JiebaResources.bytes(RESOURCE);
        CharTrie trie = new CharTrie(text.length / 10); // dict.txt: about 1.4 edges a line, 14.5 bytes a line
        char[] word = new char[64];
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
                if (word.length < wordEnd - start) word = new char[wordEnd - start];
                int length = decodeUtf8(text, start, wordEnd, word);
                trie.setValue(insertNormalised(trie, word, length), freq);
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

    private static boolean isSeparator(byte b) {
        return b == ' ' || b == '\t';
    }

    private static int fieldEnd(byte[] text, int from, int end) {
        while (from < end && !isSeparator(text[from])) from++;
        return from;
    }

    /** Double.valueOf of the field; plain integers (all of them in dict.txt) without making a String. */
    private static double parseFreq(byte[] text, int from, int to) {
        if (to - from > 15) return Double.parseDouble(new String(text, from, to - from, StandardCharsets.UTF_8));
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = text[i] - '0';
            if (digit < 0 || digit > 9) return Double.parseDouble(new String(text, from, to - from, StandardCharsets.UTF_8));
            value = value * 10 + digit;
        }
        return value;
    }

    /** Decodes well-formed UTF-8 (as the jar's dict.txt is) into {@code out}; returns the number of chars. */
    private static int decodeUtf8(byte[] text, int from, int to, char[] out) {
        int n = 0;
        for (int i = from; i < to; ) {
            int b = text[i] & 0xFF;
            if (b < 0x80) {
                out[n++] = (char) b;
                i++;
            } else if (b < 0xE0) {
                out[n++] = (char) ((b & 0x1F) << 6 | text[i + 1] & 0x3F);
                i += 2;
            } else if (b < 0xF0) {
                out[n++] = (char) ((b & 0x0F) << 12 | (text[i + 1] & 0x3F) << 6 | text[i + 2] & 0x3F);
                i += 3;
            } else {
                int cp = (b & 0x07) << 18 | (text[i + 1] & 0x3F) << 12 | (text[i + 2] & 0x3F) << 6 | text[i + 3] & 0x3F;
                out[n++] = Character.highSurrogate(cp);
                out[n++] = Character.lowSurrogate(cp);
                i += 4;
            }
        }
        return n;
    }

    /** Inserts word.trim().toLowerCase(Locale.getDefault()), which leaves all but a few words as they are. */
    private static int insertNormalised(CharTrie trie, char[] word, int length) {
        for (int i = 0; i < length; i++) {
            char c = word[i];
            if (c <= ' ' || Character.isSurrogate(c) || Character.toLowerCase(c) != c) {
                char[] normalised = new String(word, 0, length).trim().toLowerCase(Locale.getDefault()).toCharArray();
                return trie.insert(normalised, 0, normalised.length);
            }
        }
        return trie.insert(word, 0, length);
    }
}
