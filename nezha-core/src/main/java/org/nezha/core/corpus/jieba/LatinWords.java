package org.nezha.core.corpus.jieba;

import java.util.BitSet;

/**
 * FinalSeg.processOtherUnknownWords without its regex {@code \d+\.\d+|[a-zA-Z0-9]+}: each match is a word,
 * and so is each stretch between matches.
 */
final class LatinWords {
    private LatinWords() {}

    /** Marks in {@code starts} where the words of {@code text[from, to)} start. */
    static void mark(char[] text, int from, int to, BitSet starts) {
        int i = from;
        while (i < to) {
            starts.set(i);
            if (isAlnum(text[i])) {
                i = matchEnd(text, i, to);
            } else {
                while (i < to && !isAlnum(text[i])) i++;
            }
        }
    }

    /** The end of the regex's match at {@code i}: its first alternative, digits.digits, before the second. */
    private static int matchEnd(char[] text, int i, int to) {
        int digits = i;
        while (digits < to && isDigit(text[digits])) digits++;
        if (digits > i && digits + 1 < to && text[digits] == '.' && isDigit(text[digits + 1])) {
            int end = digits + 1;
            while (end < to && isDigit(text[end])) end++;
            return end;
        }
        int end = i;
        while (end < to && isAlnum(text[end])) end++;
        return end;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAlnum(char c) {
        return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }
}
