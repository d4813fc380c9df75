package org.nezha.core.task.classification;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.nezha.core.InputException;
import org.nezha.core.data.TaskExample;
import org.nezha.core.data.TaskKind;
import org.nezha.core.task.Feature;
import org.nezha.core.tokenizer.BertTokenizer;
import org.nezha.core.tokenizer.TokenizerOptions;
import org.nezha.core.tokenizer.Vocab;

class ClassificationTaskTest {
    private static final BertTokenizer TOKENIZER = new BertTokenizer(Vocab.load(Path.of("src/test/resources/tokenizer/vocab.txt")),
            TokenizerOptions.defaults());
    private final ClassificationTask task = new ClassificationTask(TaskKind.PAIR);

    private static TaskExample example(int line, String label) {
        return new TaskExample(String.valueOf(line), "今天", "明天", label, Path.of("dev.tsv"), line);
    }

    @Test
    void encodesOneRowPerExampleWithItsLabelIndex() {
        List<Feature<Void>> features = task.encode(List.of(example(2, "1"), example(3, "0")), List.of("0", "1"), TOKENIZER, 16, true);
        assertEquals(2, features.size());
        assertArrayEquals(new long[] {1}, features.get(0).targets());
        assertArrayEquals(new long[] {0}, features.get(1).targets());
        assertEquals(1, features.get(1).example());
        assertEquals(TOKENIZER.encode("今天", "明天", 16, false).inputIds().length, features.get(0).inputIds().length);
        assertNull(task.encode(List.of(example(2, null)), List.of("0", "1"), TOKENIZER, 16, false).getFirst().targets());
    }

    @Test
    void unknownLabelIsReportedAtItsLine() {
        List<TaskExample> dev = List.of(example(2, "0"), example(3, "maybe"));
        InputException e = assertThrows(InputException.class, () -> task.encode(dev, List.of("0", "1"), TOKENIZER, 16, true));
        assertEquals("dev.tsv:3: unknown label 'maybe' (model knows: 0, 1)", e.getMessage());
    }

    @Test
    void decodesProbabilitiesAndTheBaselineIsTheMajorityClass() {
        List<TaskExample> dev = List.of(example(2, "1"), example(3, "1"), example(4, "0"));
        List<ClassificationTask.Prediction> predicted = task.decode(null, dev, null,
                List.of(new float[] {0, (float) Math.log(3)}, new float[] {2, 0}, new float[] {0, 0}), List.of("0", "1"));
        assertEquals(1, predicted.get(0).label());
        assertEquals(0.75f, predicted.get(0).probabilities()[1], 1e-6f);
        assertEquals(0, predicted.get(1).label());
        List<ClassificationTask.Prediction> baseline = task.baseline(dev, List.of("0", "1"));
        assertEquals(List.of(1, 1, 1), baseline.stream().map(ClassificationTask.Prediction::label).toList());
        assertEquals(2.0 / 3, ((Number) task.metrics(dev, baseline, List.of("0", "1")).get("accuracy")).doubleValue(), 1e-12);
    }
}
