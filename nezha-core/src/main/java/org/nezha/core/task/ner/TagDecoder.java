package org.nezha.core.task.ner;

import java.util.ArrayList;
import java.util.List;

import org.nezha.core.model.CrfScores;
import org.nezha.core.task.Feature;

/**
 * A sentence's tags from its rows' scores: each word's scores come from the row that owns it (at its first
 * piece), then the best path over the whole sentence under the scheme's rules (I-X only after B-X or I-X,
 * E-X only after B-X or I-X/M-X, no sentence starting inside an entity or ending in an open one), which are
 * −∞, never learnt. With a CRF the path adds its learnt transitions to the emissions; without one it is
 * the most likely valid path of the per-word softmax probabilities (sum of log-probabilities).
 */
final class TagDecoder {
    private final TagSet tags;
    private final boolean logSoftmax;
    private final double[] start, end;
    private final double[][] transitions;

    /** @param crf the CRF's scores, or null for a softmax head */
    TagDecoder(TagSet tags, CrfScores crf) {
        int n = tags.size();
        this.tags = tags;
        this.logSoftmax = crf == null;
        this.start = new double[n];
        this.end = new double[n];
        this.transitions = new double[n][n];
        for (int to = 0; to < n; to++) {
            start[to] = tags.allowed(-1, to) ? (crf == null ? 0 : crf.start()[to]) : Double.NEGATIVE_INFINITY;
            end[to] = tags.canEnd(to) ? (crf == null ? 0 : crf.end()[to]) : Double.NEGATIVE_INFINITY;
            for (int from = 0; from < n; from++) {
                transitions[from][to] = tags.allowed(from, to) ? (crf == null ? 0 : crf.transitions()[from][to]) : Double.NEGATIVE_INFINITY;
            }
        }
    }

    /** The tags of a sentence of {@code words} words from its rows and each row's logits ([len, T], flattened). */
    List<String> decode(int words, List<Feature<TagWindow>> rows, List<float[]> logits) {
        return best(emissions(words, rows, logits));
    }

    /**
     * Each word's scores, from the row that owns it at its scoring token: log-probabilities (log-softmax)
     * without a CRF, the raw emissions with one.
     */
    double[][] emissions(int words, List<Feature<TagWindow>> rows, List<float[]> logits) {
        int n = tags.size();
        double[][] emissions = new double[words][];
        for (int r = 0; r < rows.size(); r++) {
            TagWindow window = rows.get(r).mapping();
            for (int k = 0; k < window.words().length; k++) {
                int word = window.words()[k];
                if (emissions[word] != null) throw new IllegalStateException("word " + word + " is owned by two rows");
                emissions[word] = scores(logits.get(r), window.positions()[k] * n, n);
            }
        }
        for (int w = 0; w < words; w++) if (emissions[w] == null) throw new IllegalStateException("word " + w + " is owned by no row");
        return emissions;
    }

    /** The best valid path of per-word scores ({@code [words][T]}) as tags. */
    List<String> best(double[][] emissions) {
        List<String> out = new ArrayList<>(emissions.length);
        for (int id : Viterbi.best(emissions, start, end, transitions)) out.add(tags.label(id));
        return out;
    }

    private double[] scores(float[] logits, int offset, int n) {
        double[] s = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < n; t++) max = Math.max(max, s[t] = logits[offset + t]);
        if (!logSoftmax) return s;
        double sum = 0;
        for (int t = 0; t < n; t++) sum += Math.exp(s[t] - max);
        double logSum = max + Math.log(sum);
        for (int t = 0; t < n; t++) s[t] -= logSum;
        return s;
    }
}
