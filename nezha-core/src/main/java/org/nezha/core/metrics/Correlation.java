package org.nezha.core.metrics;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Pearson's and Spearman's correlation of two equally long series, in double precision, as scipy's
 * {@code pearsonr} and {@code spearmanr} compute them: Spearman's is Pearson's of the ranks, tied values
 * sharing the average of their ranks. A constant series has no correlation: the result is NaN, as scipy's
 * (which also warns), so a degenerate evaluation shows as NaN rather than as a plausible number.
 */
public final class Correlation {
    private Correlation() {}

    /** Pearson's r; NaN when either side is constant. */
    public static double pearson(double[] x, double[] y) {
        requirePaired(x, y);
        double meanX = mean(x), meanY = mean(y);
        double covariance = 0, varianceX = 0, varianceY = 0;
        for (int i = 0; i < x.length; i++) {
            double dx = x[i] - meanX, dy = y[i] - meanY;
            covariance += dx * dy;
            varianceX += dx * dx;
            varianceY += dy * dy;
        }
        if (varianceX == 0 || varianceY == 0) return Double.NaN;
        double r = covariance / Math.sqrt(varianceX * varianceY);
        return Math.max(-1, Math.min(1, r)); // rounding may step just past ±1
    }

    /** Spearman's ρ (Pearson's r of the average ranks); NaN when either side is constant. */
    public static double spearman(double[] x, double[] y) {
        requirePaired(x, y);
        return pearson(ranks(x), ranks(y));
    }

    /** 1-based ranks, tied values given the mean of the ranks they span (scipy's rankdata, method "average"). */
    static double[] ranks(double[] values) {
        Integer[] order = new Integer[values.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[values.length];
        for (int start = 0; start < order.length; ) {
            int end = start + 1;
            while (end < order.length && values[order[end]] == values[order[start]]) end++;
            double average = (start + 1 + end) / 2.0; // ranks start+1 … end
            for (int k = start; k < end; k++) ranks[order[k]] = average;
            start = end;
        }
        return ranks;
    }

    private static void requirePaired(double[] x, double[] y) {
        if (x.length != y.length) throw new IllegalArgumentException("series of different lengths: " + x.length + " and " + y.length);
        if (x.length < 2) throw new IllegalArgumentException("a correlation needs at least 2 pairs, got " + x.length);
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                throw new IllegalArgumentException("pair " + i + " is not finite: " + x[i] + ", " + y[i]);
            }
        }
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) sum += v;
        return sum / values.length;
    }
}
