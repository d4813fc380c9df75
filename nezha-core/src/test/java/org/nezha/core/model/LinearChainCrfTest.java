package org.nezha.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import org.nezha.core.tensor.Tensors;

/** The CRF's negative log-likelihood against a float64 sum over every tag path of each row's scored positions. */
class LinearChainCrfTest {
    private static final int TAGS = 3, LENGTH = 7;

    @Test
    void matchesTheBruteForceSumOverAllPaths() {
        SplittableRandom random = new SplittableRandom(11);
        // rows: all scored; gaps inside and at both ends; one scored position; none
        boolean[][] scored = {
            {true, true, true, true, true, true, true},
            {false, true, false, false, true, true, false},
            {false, false, false, true, false, false, false},
            {false, false, false, false, false, false, false},
        };
        for (int trial = 0; trial < 5; trial++) {
            int rows = scored.length;
            double[] emissions = random(random, rows * LENGTH * TAGS), start = random(random, TAGS), end = random(random, TAGS),
                    transitions = random(random, TAGS * TAGS);
            long[] targets = new long[rows * LENGTH];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < LENGTH; i++) targets[r * LENGTH + i] = scored[r][i] ? random.nextInt(TAGS) : TaskModel.IGNORED;
            }
            try (PointerScope scope = new PointerScope()) {
                double[] got = Tensors.toDoubles(LinearChainCrf.negativeLogLikelihood(Tensors.doubles(emissions, rows, LENGTH, TAGS),
                        Tensors.longs(targets, TinyModels.CPU, rows, LENGTH), Tensors.doubles(start, TAGS), Tensors.doubles(end, TAGS),
                        Tensors.doubles(transitions, TAGS, TAGS)));
                for (int r = 0; r < rows; r++) {
                    assertEquals(bruteForce(emissions, targets, start, end, transitions, r), got[r], 1e-9, "trial " + trial + " row " + r);
                }
            }
        }
    }

    private static double[] random(SplittableRandom random, int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) values[i] = random.nextDouble(-2, 2);
        return values;
    }

    /** log Σ over all paths of exp(score) − score(gold path), over the row's scored positions; 0 when it has none. */
    static double bruteForce(double[] emissions, long[] targets, double[] start, double[] end, double[] transitions, int row) {
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < LENGTH; i++) if (targets[row * LENGTH + i] != TaskModel.IGNORED) positions.add(i);
        int n = positions.size();
        if (n == 0) return 0;
        int[] gold = positions.stream().mapToInt(i -> (int) targets[row * LENGTH + i]).toArray();
        double partition = 0;
        int paths = (int) Math.pow(TAGS, n);
        for (int code = 0; code < paths; code++) {
            int[] path = new int[n];
            for (int k = 0, c = code; k < n; k++, c /= TAGS) path[k] = c % TAGS;
            partition += Math.exp(score(path, positions, emissions, start, end, transitions, row));
        }
        return Math.log(partition) - score(gold, positions, emissions, start, end, transitions, row);
    }

    private static double score(int[] path, List<Integer> positions, double[] emissions, double[] start, double[] end,
            double[] transitions, int row) {
        double s = start[path[0]] + end[path[path.length - 1]];
        for (int k = 0; k < path.length; k++) {
            s += emissions[(row * LENGTH + positions.get(k)) * TAGS + path[k]];
            if (k > 0) s += transitions[path[k - 1] * TAGS + path[k]];
        }
        return s;
    }
}
