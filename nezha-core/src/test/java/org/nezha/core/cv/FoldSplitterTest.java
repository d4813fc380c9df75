package org.nezha.core.cv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import org.nezha.core.InputException;

/** Folds partition the rows, keep groups whole, keep label counts within one row per fold, and follow the seed. */
class FoldSplitterTest {
    @Test
    void everyRowInExactlyOneFoldOfNearlyEqualSize() {
        for (int rows : new int[] {2, 5, 17, 100}) {
            for (int k = 2; k <= Math.min(rows, 7); k++) {
                int[] folds = FoldSplitter.assign(rows, k, null, null, 7);
                assertEquals(rows, folds.length);
                int[] sizes = sizes(folds, k);
                for (int size : sizes) assertTrue(Math.abs(size - rows / (double) k) < 1, rows + " rows, " + k + " folds: " + List.of(sizes));
            }
        }
    }

    @Test
    void stratifiedFoldsKeepEveryLabelWithinOneRow() {
        Random random = new Random(1);
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 103; i++) labels.add(random.nextDouble() < 0.2 ? "pos" : random.nextDouble() < 0.5 ? "neg" : "other");
        for (int k : new int[] {2, 3, 5}) {
            int[] folds = FoldSplitter.assign(labels.size(), k, null, labels, 11);
            for (String label : List.of("pos", "neg", "other")) {
                int[] perFold = new int[k];
                for (int i = 0; i < folds.length; i++) if (labels.get(i).equals(label)) perFold[folds[i]]++;
                int min = Integer.MAX_VALUE, max = 0;
                for (int c : perFold) {
                    min = Math.min(min, c);
                    max = Math.max(max, c);
                }
                assertTrue(max - min <= 1, label + " per fold " + Arrays.toString(perFold));
            }
            int[] sizes = sizes(folds, k);
            for (int size : sizes) assertTrue(Math.abs(size - labels.size() / (double) k) <= 2, Arrays.toString(sizes));
        }
    }

    @Test
    void groupsStayInOneFold() {
        Random random = new Random(3);
        List<String> groups = new ArrayList<>(), labels = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            groups.add("q" + random.nextInt(40));
            labels.add(random.nextBoolean() ? "1" : "0");
        }
        for (List<String> stratify : Arrays.asList(null, labels)) {
            int[] folds = FoldSplitter.assign(groups.size(), 4, groups, stratify, 5);
            Map<String, Integer> foldOfGroup = new HashMap<>();
            for (int i = 0; i < folds.length; i++) {
                Integer before = foldOfGroup.putIfAbsent(groups.get(i), folds[i]);
                if (before != null) assertEquals(before, folds[i], "group " + groups.get(i) + " split");
            }
            for (int size : sizes(folds, 4)) assertTrue(size > 30, Arrays.toString(sizes(folds, 4)));
        }
    }

    @Test
    void theSeedDecidesTheSplit() {
        assertArrayEquals(FoldSplitter.assign(50, 5, null, null, 1), FoldSplitter.assign(50, 5, null, null, 1));
        assertFalse(Arrays.equals(FoldSplitter.assign(50, 5, null, null, 1), FoldSplitter.assign(50, 5, null, null, 2)));
    }

    @Test
    void tooFewFoldsOrTooFewRowsOrGroupsAreErrors() {
        assertEquals("--folds must be at least 2, got 1", assertThrows(InputException.class, () -> FoldSplitter.assign(10, 1, null, null, 1)).getMessage());
        assertEquals("--folds 11: more folds than examples (10)",
                assertThrows(InputException.class, () -> FoldSplitter.assign(10, 11, null, null, 1)).getMessage());
        List<String> groups = List.of("a", "a", "b", "b", "c");
        assertEquals("--folds 4: more folds than groups of --group-by (3)",
                assertThrows(InputException.class, () -> FoldSplitter.assign(5, 4, groups, null, 1)).getMessage());
    }

    private static int[] sizes(int[] folds, int k) {
        int[] sizes = new int[k];
        for (int f : folds) {
            assertTrue(f >= 0 && f < k);
            sizes[f]++;
        }
        return sizes;
    }
}
