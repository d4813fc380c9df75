package org.nezha.core.corpus.jieba;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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

    /** The words, each word's value its log-frequency. */
    CharTrie trie() {
        return trie;
    }

    /** What jieba-analysis scores a word that is not in the dictionary. */
    double minLogFreq() {
        return minLogFreq;
    }

    static JiebaDictionary load() {
        return parse(JiebaResources.bytes(RESOURCE)).dictionary();
    }

    private static Lines parse(byte[] text) {
        Lines lines = new Lines(text.length / 14); // dict.txt: 14.5 bytes a line
        char[] word = new char[64];
        for (int start = 0; start < text.length; ) {
            int end = start;
            while (end < text.length && text[end] != '\n' && text[end] != '\r') end++;
            // as String.split("[\t ]+"): the first field is the word; a line without a second field is skipped
            int wordEnd = fieldEnd(text, start, end);
            int freqStart = wordEnd;
            while (freqStart < end && isSeparator(text[freqStart])) freqStart++;
            if (freqStart < end) {
                if (word.length < wordEnd - start) word = new char[wordEnd - start];
                int length = decodeUtf8(text, start, wordEnd, word);
                double freq = parseFreq(text, freqStart, fieldEnd(text, freqStart, end));
                if (isNormalised(word, length)) {
                    lines.add(word, length, freq);
                } else {
                    char[] normalised = new String(word, 0, length).trim().toLowerCase(Locale.getDefault()).toCharArray();
                    lines.add(normalised, normalised.length, freq);
                }
            }
            // BufferedReader.readLine's line ends: \n, \r or \r\n
            start = end + (end + 1 < text.length && text[end] == '\r' && text[end + 1] == '\n' ? 2 : 1);
        }
        return lines;
    }

    /** The dictionary's lines in file order: normalised words end to end, and frequencies. */
    private static final class Lines {
        private char[] chars;
        private int charCount;
        private int[] start;
        private int[] length;
        private double[] freq;
        private int count;

        Lines(int expected) {
            chars = new char[expected * 3];
            start = new int[expected];
            length = new int[expected];
            freq = new double[expected];
        }

        void add(char[] word, int wordLength, double frequency) {
            if (count == start.length) {
                start = Arrays.copyOf(start, count * 2);
                length = Arrays.copyOf(length, count * 2);
                freq = Arrays.copyOf(freq, count * 2);
            }
            if (charCount + wordLength > chars.length) chars = Arrays.copyOf(chars, (charCount + wordLength) * 2);
            System.arraycopy(word, 0, chars, charCount, wordLength);
            start[count] = charCount;
            length[count] = wordLength;
            freq[count++] = frequency;
            charCount += wordLength;
        }

        /** Each word once with its last line's log(frequency / total of all lines), as WordDictionary's map. */
        JiebaDictionary dictionary() {
            double total = 0;
            for (int i = 0; i < count; i++) total += freq[i];
            int[] order = sortedLines();
            int words = 0;
            double min = Double.MAX_VALUE;
            for (int k = 0; k < count; k++) {
                int i = order[k];
                if (k + 1 < count && compare(i, order[k + 1]) == 0) continue; // a later line has the word
                freq[i] = Math.log(freq[i] / total);
                min = Math.min(min, freq[i]);
                order[words++] = i;
            }
            return new JiebaDictionary(CharTrie.of(chars, start, length, freq, order, words), min);
        }

        /**
         * The line numbers sorted by word, equal words in file order: a natural merge sort, as dict.txt is
         * nearly sorted already (a few dozen ascending runs).
         */
        private int[] sortedLines() {
            int[] order = new int[count];
            for (int i = 0; i < count; i++) order[i] = i;
            int[] merged = new int[count];
            while (true) {
                int runs = 0;
                for (int from = 0; from < count; runs++) {
                    int middle = runEnd(order, from);
                    int to = middle == count ? count : runEnd(order, middle);
                    int a = from, b = middle, k = from;
                    while (a < middle && b < to) merged[k++] = compare(order[b], order[a]) < 0 ? order[b++] : order[a++];
                    while (a < middle) merged[k++] = order[a++];
                    while (b < to) merged[k++] = order[b++];
                    from = to;
                }
                int[] swap = order;
                order = merged;
                merged = swap;
                if (runs <= 1) return order;
            }
        }

        private int runEnd(int[] order, int from) {
            int end = from + 1;
            while (end < count && compare(order[end - 1], order[end]) <= 0) end++;
            return end;
        }

        private int compare(int a, int b) {
            return Arrays.compare(chars, start[a], start[a] + length[a], chars, start[b], start[b] + length[b]);
        }
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

    /** Whether word.trim().toLowerCase(Locale.getDefault()) is the word itself, as for all but a few words. */
    private static boolean isNormalised(char[] word, int length) {
        for (int i = 0; i < length; i++) {
            char c = word[i];
            if (c <= ' ' || Character.isSurrogate(c) || Character.toLowerCase(c) != c) return false;
        }
        return true;
    }
}
