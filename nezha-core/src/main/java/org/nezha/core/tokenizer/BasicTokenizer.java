package org.nezha.core.tokenizer;

import java.text.Normalizer;
import java.util.Set;

/**
 * Hugging Face's BERT {@code BasicTokenizer} as {@code BertTokenizer.tokenize} runs it: lower case
 * one character at a time (the base class does that before the basic tokenizer), drop NUL, U+FFFD
 * and control characters, turn whitespace into spaces, put spaces around CJK ideographs, split on
 * spaces, NFC-normalise, strip accents (NFD, drop category Mn) when configured, split off each
 * punctuation character. Words are handed to a consumer instead of collected, to spare a list per
 * text on corpus-sized inputs.
 */
final class BasicTokenizer {
    /** Receives the words in order and, between them, each whitespace character of the text. */
    interface Words {
        void word(String word);

        /** The text had whitespace here (not the spaces put around CJK ideographs). */
        default void whitespace() {}
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
        StringBuilder cleaned = clean(text, from, to);
        int length = cleaned.length();
        int i = 0;
        while (i < length) {
            while (i < length && isSeparator(cleaned.charAt(i))) {
                if (cleaned.charAt(i) == WHITESPACE) {
                    words.whitespace();
                }
                i++;
            }
            int start = i;
            while (i < length && !isSeparator(cleaned.charAt(i))) {
                i++;
            }
            if (start < i) {
                emitWord(cleaned.substring(start, i), words);
            }
        }
    }

    /** Lower-casing never yields a tab, so the only tabs in the cleaned text are {@link #WHITESPACE}. */
    private static boolean isSeparator(char c) {
        return c == ' ' || c == WHITESPACE;
    }

    private StringBuilder clean(String text, int from, int to) {
        StringBuilder out = new StringBuilder(to - from + 16);
        int i = from;
        while (i < to) {
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
        }
        return out;
    }

    private void emitWord(String word, Words words) {
        if (neverSplit.contains(word)) {
            words.word(word);
            return;
        }
        // HF normalises the whole text to NFC; stripping accents then decomposes again, so NFC
        // matters only when accents are kept.
        String normalized = stripAccents ? stripAccents(word) : composed(word);
        splitOnPunctuation(normalized, words);
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

    private static void splitOnPunctuation(String word, Words words) {
        int runStart = 0;
        int i = 0;
        while (i < word.length()) {
            int cp = word.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (CharClasses.isPunctuation(cp)) {
                if (runStart < i) {
                    words.word(word.substring(runStart, i));
                }
                words.word(word.substring(i, next));
                runStart = next;
            }
            i = next;
        }
        if (runStart < word.length()) {
            words.word(word.substring(runStart));
        }
    }
}
