package org.nezha.core.corpus.jieba;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;

/**
 * jieba-analysis' FinalSeg: the B/M/E/S hidden Markov model that cuts a run of unknown Chinese letters
 * (U+4E00…U+9FA5) into words by Viterbi, with its tables ({@code prob_emit.txt}, start and transition
 * log-probabilities), its -3.14e100 for what the tables lack and its tie-breaking, so that the very same
 * doubles decide.
 */
final class JiebaHmm {
    static final char FIRST = '\u4E00';
    static final char LAST = '\u9FA5';
    private static final String RESOURCE = "/prob_emit.txt";
    private static final double MIN_FLOAT = -3.14e100;
    private static final int B = 0, M = 1, E = 2, S = 3;
    private static final String STATES = "BMES";
    private static final double[] START = {-0.26268660809250016, -3.14e+100, -3.14e+100, -1.4652633398537678};
    /** TRANS[from][to]; the pairs jieba-analysis lacks never take part (see PREVIOUS). */
    private static final double[][] TRANS = {
        {0, -0.916290731874155, -0.510825623765990, 0},
        {0, -1.2603623820268226, -0.33344856811948514, 0},
        {-0.5897149736854513, 0, 0, -0.8085250474669937},
        {-0.7211965654669841, 0, 0, -0.6658631448798212},
    };
    /** The states that may precede each state, in jieba-analysis' order: on a tie the later one wins. */
    private static final int[][] PREVIOUS = {{E, S}, {M, B}, {B, M}, {S, E}};

    /** EMIT[state][c - FIRST]: log P(c | state). */
    private final double[][] emit;

    private JiebaHmm(double[][] emit) {
        this.emit = emit;
    }

    /** Lines "B", "E", "M" or "S" open a state's table; "char\tlog-probability" lines fill it. */
    static JiebaHmm load() {
        double[][] emit = new double[4][LAST - FIRST + 1];
        for (double[] row : emit) Arrays.fill(row, MIN_FLOAT);
        String text = new String(JiebaResources.bytes(RESOURCE), StandardCharsets.UTF_8);
        double[] row = null;
        for (int start = 0; start < text.length(); ) {
            int end = start;
            while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') end++;
            int tab = text.indexOf('\t', start);
            char c = text.charAt(start);
            if (tab < 0 || tab >= end) {
                row = emit[STATES.indexOf(c)];
            } else if (c >= FIRST && c <= LAST) {
                int valueEnd = text.indexOf('\t', tab + 1);
                row[c - FIRST] = Double.parseDouble(text.substring(tab + 1, valueEnd < 0 || valueEnd > end ? end : valueEnd));
            }
            start = end + (end + 1 < text.length() && text.charAt(end) == '\r' && text.charAt(end + 1) == '\n' ? 2 : 1);
        }
        return new JiebaHmm(emit);
    }

    /** Marks in {@code starts} where the words of {@code text[from, to)} (Chinese letters only) start. */
    void cut(char[] text, int from, int to, BitSet starts) {
        int n = to - from;
        double[] score = new double[4];
        double[] next = new double[4];
        byte[] previous = new byte[n * 4];
        for (int y = 0; y < 4; y++) score[y] = START[y] + emit[y][text[from] - FIRST];
        for (int i = 1; i < n; i++) {
            int c = text[from + i] - FIRST;
            for (int y = 0; y < 4; y++) {
                double emitted = emit[y][c];
                int best = -1;
                double bestScore = 0;
                for (int y0 : PREVIOUS[y]) {
                    double candidate = TRANS[y0][y] + (emitted + score[y0]);
                    if (best < 0 || bestScore <= candidate) {
                        best = y0;
                        bestScore = candidate;
                    }
                }
                next[y] = bestScore;
                previous[i * 4 + y] = (byte) best;
            }
            double[] swap = score;
            score = next;
            next = swap;
        }
        int[] states = new int[n];
        states[n - 1] = score[E] < score[S] ? S : E;
        for (int i = n - 1; i > 0; i--) states[i - 1] = previous[i * 4 + states[i]];
        // a word ends at each E or S and begins at the last B before it (at 0 if none)
        int begin = 0;
        for (int i = 0; i < n; i++) {
            if (states[i] == B) {
                begin = i;
            } else if (states[i] == E) {
                starts.set(from + begin);
            } else if (states[i] == S) {
                starts.set(from + i);
            }
        }
    }
}
