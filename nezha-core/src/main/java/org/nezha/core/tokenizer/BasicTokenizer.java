package org.nezha.core.tokenizer;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.Set;

/**
 * Hugging Face's BERT {@code BasicTokenizer} as {@code BertTokenizer.tokenize} runs it: lower case
 * one character at a time (the base class does that before the basic tokenizer), drop NUL, U+FFFD
 * and control characters, turn whitespace into spaces, put spaces around CJK ideographs, split on
 * spaces, NFC-normalise, strip accents (NFD, drop category Mn) when configured, split off each
 * punctuation character. Words are handed to a consumer instead of collected, to spare a list per
 * text on corpus-sized inputs; a consumer that asks gets with each word where its characters were in
 * the text, to map tokens back to the original characters (reading comprehension).
 */
final class BasicTokenizer {
    /** Receives the words in order and, between them, each whitespace character of the text. */
    interface Words {
        /** The next word; its origin is {@link Origin#UNTRACKED} unless {@link #locates}. */
        void word(String word, Origin origin);

        /** The text had whitespace here (not the spaces put around CJK ideographs). */
        default void whitespace() {}

        /** Whether {@link #word} reads the origins (tracking them costs time). */
        default boolean locates() {
            return false;
        }
    }

    /**
     * Where the chars of a word came from: char k was made from {@code text[start(k), end(k))}, one
     * code point of the text (lower-casing or accent stripping may have turned it into more or fewer
     * chars), or the whole word where NFC composed characters together so that no char-by-char
     * account exists.
     */
    static final class Origin {
        /** Handed over when the consumer does not locate words. */
        static final Origin UNTRACKED = new Origin(null, null, 0);

        private final int[] starts;
        private final int[] ends;
        private final int offset;

        private Origin(int[] starts, int[] ends, int offset) {
            this.starts = starts;
            this.ends = ends;
            this.offset = offset;
        }

        int start(int index) {
            return starts[offset + index];
        }

        int end(int index) {
            return ends[offset + index];
        }

        /** The origin of the part of the word from char {@code index} on. */
        Origin from(int index) {
            return this == UNTRACKED ? this : new Origin(starts, ends, offset + index);
        }
    }

    /** Stands for the text's own whitespace in the cleaned text, so it can be told from the spaces around CJK ideographs. */
    private static final char WHITESPACE = '\t';

    private final boolean lowerCase;
    private final boolean stripAccents;
    private final boolean tokenizeChineseChars;
    private final Set<String> neverSplit;

    BasicTokenizer(TokenizerOptions options, Set<String> neverSplit) {
        this.lowerCase = options.doLowerCase();
        this.stripAccents = options.stripAccents() == null ? options.doLowerCase() : options.stripAccents();
        this.tokenizeChineseChars = options.tokenizeChineseChars();
        this.neverSplit = neverSplit;
    }

    /** Tokenizes {@code text[from, to)} and passes each word, in order, to {@code words}. */
    void tokenize(String text, int from, int to, Words words) {
        Cleaned cleaned = clean(text, from, to, words.locates());
        StringBuilder chars = cleaned.chars;
        int length = chars.length();
        int i = 0;
        while (i < length) {
            while (i < length && isSeparator(chars.charAt(i))) {
                if (chars.charAt(i) == WHITESPACE) {
                    words.whitespace();
                }
                i++;
            }
            int start = i;
            while (i < length && !isSeparator(chars.charAt(i))) {
                i++;
            }
            if (start < i) {
                Origin origin = cleaned.starts == null ? Origin.UNTRACKED : new Origin(cleaned.starts, cleaned.ends, start);
                emitWord(chars.substring(start, i), origin, words);
            }
        }
    }

    /** The cleaned text and, when tracked (else null), for each of its chars the text range of the code point it came from. */
    private record Cleaned(StringBuilder chars, int[] starts, int[] ends) {}

    /** Lower-casing never yields a tab, so the only tabs in the cleaned text are {@link #WHITESPACE}. */
    private static boolean isSeparator(char c) {
        return c == ' ' || c == WHITESPACE;
    }

    private Cleaned clean(String text, int from, int to, boolean track) {
        StringBuilder out = new StringBuilder(to - from + 16);
        IntList starts = track ? new IntList() : null;
        IntList ends = track ? new IntList() : null;
        int i = from;
        while (i < to) {
            int start = i;
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == 0 || cp == 0xFFFD || CharClasses.isControl(cp)) {
                continue;
            }
            if (CharClasses.isWhitespace(cp)) {
                out.append(WHITESPACE);
            } else if (tokenizeChineseChars && CharClasses.isChineseChar(cp)) {
                out.append(' ').appendCodePoint(cp).append(' ');
            } else if (lowerCase) {
                CharClasses.appendLowerCase(out, cp);
            } else {
                out.appendCodePoint(cp);
            }
            while (track && starts.size() < out.length()) {
                starts.add(start);
                ends.add(i);
            }
        }
        return track ? new Cleaned(out, starts.toArray(), ends.toArray()) : new Cleaned(out, null, null);
    }

    private void emitWord(String word, Origin origin, Words words) {
        if (neverSplit.contains(word)) {
            words.word(word, origin);
            return;
        }
        String normalized = normalize(word);
        boolean realigned = origin != Origin.UNTRACKED && !normalized.equals(word);
        splitOnPunctuation(normalized, realigned ? realign(word, normalized, origin) : origin, words);
    }

    /**
     * HF normalises the whole text to NFC; stripping accents then decomposes again, so NFC matters
     * only when accents are kept.
     */
    private String normalize(String word) {
        return stripAccents ? stripAccents(word) : composed(word);
    }

    /**
     * The origin of each char of {@code normalized}, the normalisation of {@code word}: the chars that
     * one code point of the text became, normalised alone, add up to the word's normalisation unless
     * NFC composed across code points; then every char has the whole word as its origin.
     */
    private Origin realign(String word, String normalized, Origin origin) {
        int[] starts = new int[normalized.length()];
        int[] ends = new int[normalized.length()];
        int at = 0;
        int k = 0;
        while (k < word.length()) {
            int next = k + 1;
            while (next < word.length() && origin.start(next) == origin.start(k)) {
                next++;
            }
            String part = normalize(word.substring(k, next));
            if (!normalized.startsWith(part, at)) {
                at = -1;
                break;
            }
            Arrays.fill(starts, at, at + part.length(), origin.start(k));
            Arrays.fill(ends, at, at + part.length(), origin.end(k));
            at += part.length();
            k = next;
        }
        if (at != normalized.length()) {
            Arrays.fill(starts, origin.start(0));
            Arrays.fill(ends, origin.end(word.length() - 1));
        }
        return new Origin(starts, ends, 0);
    }

    private static String composed(String word) {
        return isNormalizationInert(word) ? word : Normalizer.normalize(word, Normalizer.Form.NFC);
    }

    private static String stripAccents(String word) {
        if (isNormalizationInert(word)) {
            return word;
        }
        String decomposed = Normalizer.normalize(word, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(decomposed.length());
        int i = 0;
        while (i < decomposed.length()) {
            int cp = decomposed.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.getType(cp) != Character.NON_SPACING_MARK) {
                out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }

    private static boolean isNormalizationInert(String word) {
        int i = 0;
        while (i < word.length()) {
            int cp = word.codePointAt(i);
            if (!CharClasses.isNormalizationInert(cp)) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    private static void splitOnPunctuation(String word, Origin origin, Words words) {
        int runStart = 0;
        int i = 0;
        while (i < word.length()) {
            int cp = word.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (CharClasses.isPunctuation(cp)) {
                if (runStart < i) {
                    words.word(word.substring(runStart, i), origin.from(runStart));
                }
                words.word(word.substring(i, next), origin.from(i));
                runStart = next;
            }
            i = next;
        }
        if (runStart < word.length()) {
            words.word(word.substring(runStart), origin.from(runStart));
        }
    }
}
