package org.nezha.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {
    private static final double EPS = 1e-12;

    @Test
    void sklearnMulticlassExample() {
        // sklearn docs: precision_score/recall_score/f1_score(average='macro') = 0.2222, 0.3333, 0.2667
        ClassificationMetrics m = ClassificationMetrics.compute(new int[] {0, 1, 2, 0, 1, 2}, new int[] {0, 2, 1, 0, 0, 1}, 3);
        assertEquals(2.0 / 6, m.accuracy(), EPS);
        assertEquals(2.0 / 9, m.macroPrecision(), EPS);
        assertEquals(1.0 / 3, m.macroRecall(), EPS);
        assertEquals(0.8 / 3, m.macroF1(), EPS);
        ClassificationMetrics.ClassScores zero = m.perClass().get(0);
        assertEquals(2.0 / 3, zero.precision(), EPS);
        assertEquals(1.0, zero.recall(), EPS);
        assertEquals(0.8, zero.f1(), EPS);
        assertEquals(2, zero.support());
        assertEquals(0.0, m.perClass().get(1).f1(), EPS);
        assertNull(m.positiveClass());
        assertArrayEquals(new int[][] {{2, 0, 0}, {1, 0, 1}, {0, 2, 0}}, m.confusionMatrix());
    }

    @Test
    void binaryReportsThePositiveClass() {
        // sklearn f1_score([0,1,1,0,1], [0,1,0,1,1]) = 2/3
        ClassificationMetrics m = ClassificationMetrics.compute(new int[] {0, 1, 1, 0, 1}, new int[] {0, 1, 0, 1, 1}, 2);
        assertEquals(0.6, m.accuracy(), EPS);
        assertEquals(2.0 / 3, m.positiveClass().precision(), EPS);
        assertEquals(2.0 / 3, m.positiveClass().recall(), EPS);
        assertEquals(2.0 / 3, m.positiveClass().f1(), EPS);
        assertEquals(0.5, m.perClass().get(0).f1(), EPS); // class 0: tp 1, fp 1, fn 1
        assertEquals((0.5 + 2.0 / 3) / 2, m.macroF1(), EPS);
    }

    @Test
    void undefinedScoresAreZeroAndMacroSkipsAbsentClasses() {
        // class 2 never occurs: sklearn's default labels (gold ∪ predicted) leave it out of the average
        ClassificationMetrics m = ClassificationMetrics.compute(new int[] {0, 1, 1}, new int[] {0, 1, 0}, 3);
        assertEquals(2.0 / 3, m.macroF1(), EPS);
        assertEquals(0.75, m.macroPrecision(), EPS);
        assertEquals(0.75, m.macroRecall(), EPS);
        assertEquals(0, m.perClass().get(2).support());
        assertEquals(0.0, m.perClass().get(2).f1(), EPS);
        // never predicted positive: precision 0/0 → 0, as sklearn's zero_division default
        ClassificationMetrics none = ClassificationMetrics.compute(new int[] {1, 0}, new int[] {0, 0}, 2);
        assertEquals(0.0, none.positiveClass().precision(), EPS);
        assertEquals(0.0, none.positiveClass().f1(), EPS);
        assertEquals(1.0 / 3, none.macroF1(), EPS); // class 0: P 1/2, R 1, F1 2/3; class 1: 0
    }

    @Test
    void toMapForJson() {
        ClassificationMetrics m = ClassificationMetrics.compute(new int[] {0, 1}, new int[] {0, 1}, 2);
        Map<String, Object> map = m.toMap(List.of("neg", "pos"));
        assertEquals(List.of("examples", "accuracy", "macro_precision", "macro_recall", "macro_f1", "positive_precision",
                "positive_recall", "positive_f1", "per_class", "confusion_matrix"), List.copyOf(map.keySet()));
        assertEquals(1.0, map.get("accuracy"));
        assertEquals(List.of(List.of(1, 0), List.of(0, 1)), map.get("confusion_matrix"));
        assertEquals("pos", label(map, 1));
        assertEquals("1", label(m.toMap(), 1), "without names, classes go by index");
    }

    private static Object label(Map<String, Object> metrics, int index) {
        return ((Map<?, ?>) ((List<?>) metrics.get("per_class")).get(index)).get("label");
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.compute(new int[] {0}, new int[] {0, 1}, 2));
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.compute(new int[0], new int[0], 2));
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.compute(new int[] {2}, new int[] {0}, 2));
    }
}
