package org.nezha.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.nezha.core.InputException;

class LabelSetTest {
    private static final Path FILE = Path.of("train.tsv");

    private static List<TaskExample> labelled(String... labels) {
        return Stream.of(labels).map(label -> new TaskExample("1", "t", null, label, FILE, 2)).toList();
    }

    @Test
    void numericLabelsSortNumerically() {
        assertEquals(List.of("2", "10", "100"), LabelSet.fromExamples(labelled("10", "2", "100", "2")).labels());
        assertEquals(List.of("-1", "0", "1"), LabelSet.fromExamples(labelled("1", "0", "-1")).labels());
    }

    @Test
    void otherLabelsSortByString() {
        LabelSet labels = LabelSet.fromExamples(labelled("neutral", "contradiction", "entailment", "10"));
        assertEquals(List.of("10", "contradiction", "entailment", "neutral"), labels.labels());
        assertEquals(2, labels.index("entailment", FILE, 3));
        assertEquals("neutral", labels.label(3));
        assertEquals(4, labels.size());
    }

    @Test
    void unknownAndMissingLabels() {
        LabelSet labels = LabelSet.of(List.of("b", "a"));
        assertEquals(1, labels.index("a", FILE, 1));
        assertEquals("dev.tsv:7: unknown label 'x' (model knows: b, a)",
                assertThrows(InputException.class, () -> labels.index("x", Path.of("dev.tsv"), 7)).getMessage());
        assertEquals("dev.tsv:8: missing label",
                assertThrows(InputException.class, () -> labels.index(null, Path.of("dev.tsv"), 8)).getMessage());
    }

    @Test
    void trainingNeedsTwoLabels() {
        assertEquals("train.tsv: only one label ('1'); classification needs at least two",
                assertThrows(InputException.class, () -> LabelSet.fromExamples(labelled("1", "1"))).getMessage());
        List<TaskExample> unlabelled = List.of(new TaskExample("1", "t", null, null, FILE, 4));
        assertEquals("train.tsv:4: missing label",
                assertThrows(InputException.class, () -> LabelSet.fromExamples(unlabelled)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> LabelSet.of(List.of("a", "a")));
    }
}
