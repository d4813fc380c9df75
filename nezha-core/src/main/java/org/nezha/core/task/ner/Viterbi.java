package org.nezha.core.task.ner;

/**
 * The highest-scoring tag path of a chain: {@code start[y₀] + Σᵢ emissions[i][yᵢ] + Σᵢ transitions[yᵢ₋₁][yᵢ]
 * + end[y_last]}. A forbidden start, move or end is −∞; a tie goes to the lower tag id.
 */
final class Viterbi {
    private Viterbi() {}

    static int[] best(double[][] emissions, double[] start, double[] end, double[][] transitions) {
        int n = emissions.length;
        if (n == 0) return new int[0];
        int tags = start.length;
        double[] score = new double[tags];
        for (int t = 0; t < tags; t++) score[t] = start[t] + emissions[0][t];
        int[][] back = new int[n][tags];
        for (int i = 1; i < n; i++) {
            double[] next = new double[tags];
            for (int to = 0; to < tags; to++) {
                int arg = 0;
                double max = Double.NEGATIVE_INFINITY;
                for (int from = 0; from < tags; from++) {
                    double s = score[from] + transitions[from][to];
                    if (s > max) {
                        max = s;
                        arg = from;
                    }
                }
                next[to] = max + emissions[i][to];
                back[i][to] = arg;
            }
            score = next;
        }
        int last = 0;
        for (int t = 1; t < tags; t++) if (score[t] + end[t] > score[last] + end[last]) last = t;
        int[] path = new int[n];
        path[n - 1] = last;
        for (int i = n - 1; i > 0; i--) path[i - 1] = back[i][path[i]];
        return path;
    }
}
