package org.nezha.core.metrics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Correlation of two series, in double precision; NaN when either side is constant (as scipy). */
public final class Correlation {
    private Correlation() {}

    public static double pearson(double[] x, double[] y) {
        if (x.length != y.length) throw new IllegalArgumentException("series of " + x.length + " and " + y.length + " values");
        double mx = Arrays.stream(x).average().orElse(Double.NaN), my = Arrays.stream(y).average().orElse(Double.NaN);
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    /** Spearman's rho: Pearson's correlation of the ranks, tied values sharing their average rank. */
    public static double spearman(double[] x, double[] y) {
        return pearson(ranks(x), ranks(y));
    }

    static double[] ranks(double[] values) {
        Integer[] order = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[values.length];
        for (int start = 0; start < order.length; ) {
            int end = start;
            while (end + 1 < order.length && values[order[end + 1]] == values[order[start]]) end++;
            double average = (start + end) / 2.0 + 1;
            for (int i = start; i <= end; i++) ranks[order[i]] = average;
            start = end + 1;
        }
        return ranks;
    }
}
