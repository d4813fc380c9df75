package org.nezha.core.task.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.InputException;

class ClassWeightsTest {
    private static final List<String> LABELS = List.of("neg", "neu", "pos");

    /** sklearn.utils.class_weight.compute_class_weight("balanced", ...) on 2 neg, 3 neu, 5 pos: 10 / (3 × count). */
    @Test
    void balancedIsScikitLearnsRule() {
        Map<String, Double> weights = ClassWeights.resolve(ClassWeights.BALANCED, LABELS, new long[] {2, 3, 5});
        assertEquals(List.of("neg", "neu", "pos"), List.copyOf(weights.keySet()));
        assertEquals(10.0 / 6, weights.get("neg"), 1e-12);
        assertEquals(10.0 / 9, weights.get("neu"), 1e-12);
        assertEquals(10.0 / 15, weights.get("pos"), 1e-12);
    }

    /** A tag no training token carries is never a target: weight 1, and the rule runs over the others (8 / (2 × count)). */
    @Test
    void aLabelWithoutTrainingRowsWeighsOne() {
        Map<String, Double> weights = ClassWeights.resolve(ClassWeights.BALANCED, LABELS, new long[] {2, 0, 6});
        assertEquals(Map.of("neg", 2.0, "neu", 1.0, "pos", 8.0 / 12), weights);
    }

    @Test
    void readsAFileInLabelOrder(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("w.tsv"), "pos\t2\n\nneg\t0.5\nneu\t1\n");
        assertEquals(Map.of("neg", 0.5, "neu", 1.0, "pos", 2.0), ClassWeights.resolve(file.toString(), LABELS, new long[3]));
        assertEquals(List.of("neg", "neu", "pos"), List.copyOf(ClassWeights.resolve(file.toString(), LABELS, new long[3]).keySet()));
    }

    @Test
    void refusesBadFiles(@TempDir Path dir) throws Exception {
        assertBad(dir, "neg\t1\nneu\t1\npos\t1\nsurprise\t2\n", "w.tsv:4: label \"surprise\" is not a training label");
        assertBad(dir, "neg\t1\npos\t1\n", "has no weight for training label \"neu\"");
        assertBad(dir, "neg\t1\nneu\t0\npos\t1\n", "w.tsv:2: weight must be a positive number, got 0");
        assertBad(dir, "neg\t1\nneu\t-2\npos\t1\n", "weight must be a positive number, got -2");
        assertBad(dir, "neg\t1\nneu\tmany\npos\t1\n", "w.tsv:2: weight \"many\" is not a number");
        assertBad(dir, "neg\t1\nneg\t2\nneu\t1\npos\t1\n", "w.tsv:2: label \"neg\" is given twice");
        assertBad(dir, "neg 1\n", "w.tsv:1: expected label<TAB>weight");
        InputException missing = assertThrows(InputException.class,
                () -> ClassWeights.resolve(dir.resolve("none.tsv").toString(), LABELS, new long[3]));
        assertTrue(missing.getMessage().contains("none.tsv: --class-weights: cannot read"), missing.getMessage());
    }

    private static void assertBad(Path dir, String content, String expected) throws Exception {
        Path file = Files.writeString(dir.resolve("w.tsv"), content);
        InputException e = assertThrows(InputException.class, () -> ClassWeights.resolve(file.toString(), LABELS, new long[3]));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }
}
