package org.nezha.core.task.ner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import org.nezha.core.model.CrfScores;

/** Viterbi's path against the best of all paths, free and under −∞ constraints, and the decoder's rules. */
class ViterbiTest {
    private static final double NO = Double.NEGATIVE_INFINITY;

    @Test
    void findsTheBestOfAllPaths() {
        SplittableRandom random = new SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(5), tags = 1 + random.nextInt(4);
            boolean constrained = trial % 2 == 1;
            double[][] emissions = new double[n][tags], transitions = new double[tags][tags];
            double[] start = new double[tags], end = new double[tags];
            for (double[] row : emissions) fill(row, random, false);
            for (double[] row : transitions) fill(row, random, constrained);
            fill(start, random, constrained);
            fill(end, random, constrained);
            int[] best = bruteForce(emissions, start, end, transitions);
            int[] got = Viterbi.best(emissions, start, end, transitions);
            if (best == null) continue; // every path forbidden
            assertEquals(score(best, emissions, start, end, transitions), score(got, emissions, start, end, transitions), 1e-12, "trial " + trial);
            assertArrayEquals(best, got, "trial " + trial); // continuous random scores: the best path is unique
        }
    }

    /** Emissions that prefer I-X after O: without a CRF the decoder still gives a valid BIO path. */
    @Test
    void theDecoderNeverBreaksTheScheme() {
        TagSet tags = new TagSet(List.of("O", "B-X", "I-X"));
        double[][] emissions = {{0, -3, -0.1}, {0, -2, -0.2}, {-1, -0.5, 0}};
        int[] greedy = {0, 0, 2}; // O O I-X: argmax per word
        TagDecoder decoder = new TagDecoder(tags, null);
        assertEquals(List.of("O", "O", "B-X"), decode(decoder, emissions));
        assertEquals("I-X", tags.label(greedy[2]));
        // a CRF that rewards O → O strongly and B-X → O never: its transitions add to the emissions
        double[][] transitions = {{5, 0, 0}, {NO, 0, 0}, {0, 0, 0}};
        TagDecoder crf = new TagDecoder(tags, new CrfScores(new double[3], new double[3], transitions));
        assertEquals(List.of("O", "O", "O"), decode(crf, new double[][] {{0, 1, 0}, {0, 0, 0}, {0, 0, 0}}));
    }

    private static List<String> decode(TagDecoder decoder, double[][] emissions) {
        int n = emissions.length, t = emissions[0].length;
        float[] logits = new float[(n + 2) * t];
        int[] words = new int[n], positions = new int[n];
        for (int i = 0; i < n; i++) {
            words[i] = i;
            positions[i] = i + 1;
            for (int k = 0; k < t; k++) logits[(i + 1) * t + k] = (float) emissions[i][k];
        }
        var row = new org.nezha.core.task.Feature<>(0, new int[n + 2], new int[n + 2], null, new TagWindow(words, positions));
        return decoder.decode(n, List.of(row), List.of(logits));
    }

    private static void fill(double[] row, SplittableRandom random, boolean forbidSome) {
        for (int i = 0; i < row.length; i++) row[i] = forbidSome && random.nextInt(4) == 0 ? NO : random.nextDouble(-2, 2);
    }

    private static double score(int[] path, double[][] emissions, double[] start, double[] end, double[][] transitions) {
        double s = start[path[0]] + end[path[path.length - 1]];
        for (int i = 0; i < path.length; i++) {
            s += emissions[i][path[i]];
            if (i > 0) s += transitions[path[i - 1]][path[i]];
        }
        return s;
    }

    /** The best path by trying all; null when every path scores −∞. */
    private static int[] bruteForce(double[][] emissions, double[] start, double[] end, double[][] transitions) {
        int n = emissions.length, tags = start.length;
        int[] best = null;
        double bestScore = NO;
        for (int code = 0; code < Math.pow(tags, n); code++) {
            int[] path = new int[n];
            for (int i = 0, c = code; i < n; i++, c /= tags) path[i] = c % tags;
            double s = score(path, emissions, start, end, transitions);
            if (s > bestScore) {
                bestScore = s;
                best = path;
            }
        }
        return best;
    }
}
