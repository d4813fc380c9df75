package org.nezha.core.cv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.nezha.core.InputException;
import org.nezha.core.OptionChecks;

/**
 * Assigns every row to one of K folds (numbered 0..K−1), reproducibly from a seed. Rows are dealt as
 * units — each row alone, or all rows of a group (group k-fold) — in a seeded random order, largest
 * unit first, each to the fold that needs it most: with labels (stratified), the fold holding the
 * least of the unit's labels relative to their totals, then the fewest rows; without, the fewest rows.
 * Without groups this keeps every label's count per fold within one row of the others (as scikit-learn's
 * StratifiedKFold); with groups, groups stay whole and the label ratios are as even as whole groups allow
 * (in the spirit of StratifiedGroupKFold's greedy assignment).
 */
public final class FoldSplitter {
    private FoldSplitter() {}

    /**
     * @param groups each row's group (null: each row is its own group)
     * @param labels each row's label to stratify by (null: not stratified)
     */
    public static int[] assign(int rows, int folds, List<String> groups, List<String> labels, long seed) {
        OptionChecks.atLeast("--folds", folds, 2);
        List<List<Integer>> units = units(rows, groups);
        if (folds > units.size()) {
            throw new InputException("--folds " + folds + ": more folds than " + (groups == null ? "examples" : "groups of --group-by")
                    + " (" + units.size() + ")");
        }
        Collections.shuffle(units, new Random(seed));
        units.sort(Comparator.comparingInt(List<Integer>::size).reversed()); // stable: equal sizes keep the seeded order

        Map<String, Integer> labelIndex = new HashMap<>();
        if (labels != null) for (String label : labels) labelIndex.putIfAbsent(label, labelIndex.size());
        int[] labelTotals = new int[labelIndex.size()];
        if (labels != null) for (String label : labels) labelTotals[labelIndex.get(label)]++;
        int[][] labelCounts = new int[folds][labelIndex.size()];
        int[] rowCounts = new int[folds];
        int[] assignment = new int[rows];
        for (List<Integer> unit : units) {
            int[] unitLabels = new int[labelIndex.size()];
            if (labels != null) for (int row : unit) unitLabels[labelIndex.get(labels.get(row))]++;
            int best = 0;
            double bestOverlap = Double.POSITIVE_INFINITY;
            for (int f = 0; f < folds; f++) {
                // how much of the unit's labels the fold already holds, each label relative to its total
                double overlap = 0;
                for (int l = 0; l < unitLabels.length; l++) overlap += (double) labelCounts[f][l] * unitLabels[l] / ((double) labelTotals[l] * labelTotals[l]);
                if (overlap < bestOverlap || (overlap == bestOverlap && rowCounts[f] < rowCounts[best])) {
                    best = f;
                    bestOverlap = overlap;
                }
            }
            for (int row : unit) assignment[row] = best;
            rowCounts[best] += unit.size();
            for (int l = 0; l < unitLabels.length; l++) labelCounts[best][l] += unitLabels[l];
        }
        return assignment;
    }

    /** The rows of each group, groups in order of first appearance (each row alone without groups). */
    private static List<List<Integer>> units(int rows, List<String> groups) {
        if (groups == null) {
            List<List<Integer>> singles = new ArrayList<>(rows);
            for (int i = 0; i < rows; i++) singles.add(List.of(i));
            return singles;
        }
        Map<String, List<Integer>> byGroup = new LinkedHashMap<>();
        for (int i = 0; i < rows; i++) byGroup.computeIfAbsent(groups.get(i), g -> new ArrayList<>()).add(i);
        return new ArrayList<>(byGroup.values());
    }
}
