package org.nezha.core.corpus.jieba;

import java.util.BitSet;

/**
 * Where the words of jieba-analysis 1.0.2's {@code JiebaSegmenter.process(text, SegMode.SEARCH)} start:
 * text is cut into runs of Chinese letters, ASCII letters and digits and {@code +#&._-} (after full-width
 * to half-width and upper to lower case), every other char standing alone; a run is cut by the
 * dictionary's most probable route (ties to the shorter word); consecutive single chars of that route go
 * whole if they are a word, else through the HMM (Chinese letters) or the digit/Latin rule. Immutable and
 * thread-safe: each call works in arrays of its own.
 */
public final class JiebaSegmenter {
    private final JiebaDictionary dictionary;
    private final CharTrie words;
    private final JiebaHmm hmm;

    private JiebaSegmenter(JiebaDictionary dictionary, JiebaHmm hmm) {
        this.dictionary = dictionary;
        this.words = dictionary.trie();
        this.hmm = hmm;
    }

    /**
     * Reads jieba-analysis' dictionary and HMM tables from its jar on the class path, on the calling thread:
     * a task on a shared pool could wait forever behind pool threads that wait for this very load (a class
     * initialiser's callers in a parallel stream).
     */
    public static JiebaSegmenter load() {
        return new JiebaSegmenter(JiebaDictionary.load(), JiebaHmm.load());
    }

    /** The char offsets in {@code text} where a word starts. */
    public BitSet wordStarts(String text) {
        BitSet starts = new BitSet(text.length());
        char[] chars = new char[text.length()];
        int runStart = -1;
        for (int i = 0; i < chars.length; i++) {
            chars[i] = regularize(text.charAt(i));
            if (isRunChar(chars[i])) {
                if (runStart < 0) runStart = i;
            } else {
                if (runStart >= 0) cutRun(chars, runStart, i, starts);
                runStart = -1;
                starts.set(i);
            }
        }
        if (runStart >= 0) cutRun(chars, runStart, chars.length, starts);
        return starts;
    }

    /** jieba-analysis' CharacterUtil.regularize: full-width forms to ASCII, ideographic space to space, A-Z to a-z. */
    private static char regularize(char c) {
        if (c == '\u3000') return ' ';
        if (c > '\uFF00' && c < '\uFF5F') return (char) (c - 0xFEE0);
        if (c >= 'A' && c <= 'Z') return (char) (c + 32);
        return c;
    }

    /** CharacterUtil.ccFind. */
    private static boolean isRunChar(char c) {
        return isChineseLetter(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '+' || c == '#' || c == '&' || c == '.' || c == '_' || c == '-';
    }

    private static boolean isChineseLetter(char c) {
        return c >= JiebaHmm.FIRST && c <= JiebaHmm.LAST;
    }

    /** sentenceProcess: the best route by log-frequency, its runs of single chars cut again. */
    private void cutRun(char[] text, int from, int to, BitSet starts) {
        int[] wordEnd = bestRoute(text, from, to);
        int singles = -1; // where the current run of single-char words began
        for (int i = from; i < to; i = wordEnd[i - from]) {
            if (wordEnd[i - from] == i + 1) {
                if (singles < 0) singles = i;
            } else {
                if (singles >= 0) cutSingles(text, singles, i, starts);
                singles = -1;
                starts.set(i);
            }
        }
        if (singles >= 0) cutSingles(text, singles, to, starts);
    }

    /**
     * calc over createDAG, from the end: wordEnd[i - from] is the end of the word at i that maximises its
     * log-frequency plus the route's after it; the first (shortest) word wins a tie. Where no word starts
     * at i, the char alone is scored as an unknown word.
     */
    private int[] bestRoute(char[] text, int from, int to) {
        int n = to - from;
        int[] wordEnd = new int[n];
        double[] score = new double[n + 1];
        for (int i = n - 1; i >= 0; i--) {
            int end = -1;
            double best = 0;
            int node = 0;
            for (int j = i; j < n; j++) {
                node = words.child(node, text[from + j]);
                if (node == CharTrie.NONE) break;
                double logFreq = words.value(node);
                if (Double.isNaN(logFreq)) continue;
                double candidate = logFreq + score[j + 1];
                if (end < 0 || best < candidate) {
                    end = j + 1;
                    best = candidate;
                }
            }
            if (end < 0) {
                end = i + 1;
                best = dictionary.minLogFreq() + score[i + 1];
            }
            wordEnd[i] = from + end;
            score[i] = best;
        }
        return wordEnd;
    }

    /** Single chars in a row: one word if the dictionary has them together, else FinalSeg.cut. */
    private void cutSingles(char[] text, int from, int to, BitSet starts) {
        starts.set(from);
        if (to - from == 1 || words.word(text, from, to) != CharTrie.NONE) return;
        int i = from;
        while (i < to) {
            boolean chinese = isChineseLetter(text[i]);
            int end = i + 1;
            while (end < to && isChineseLetter(text[end]) == chinese) end++;
            if (chinese) {
                hmm.cut(text, i, end, starts);
            } else {
                LatinWords.mark(text, i, end, starts);
            }
            i = end;
        }
    }
}
