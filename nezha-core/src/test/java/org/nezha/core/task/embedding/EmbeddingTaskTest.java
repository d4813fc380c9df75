package org.nezha.core.task.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.InputException;
import org.nezha.core.config.NezhaConfig;
import org.nezha.core.data.TaskExample;
import org.nezha.core.model.EmbeddingObjective;
import org.nezha.core.model.SentencePooling;
import org.nezha.core.model.TaskModel;
import org.nezha.core.task.Feature;
import org.nezha.core.tokenizer.BertTokenizer;
import org.nezha.core.tokenizer.TokenizerOptions;
import org.nezha.core.tokenizer.Vocab;

/** Reading, packing, targets, the training checks and the metrics of sentence embeddings. */
class EmbeddingTaskTest {
    private static final BertTokenizer TOKENIZER = new BertTokenizer(Vocab.load(Path.of("src/test/resources/tokenizer/vocab.txt")),
            TokenizerOptions.defaults());
    private static final Path FILE = Path.of("train.jsonl");
    private static final NezhaConfig BASE = NezhaConfig.parse("{\"vocab_size\": 50, \"hidden_size\": 4, \"num_hidden_layers\": 1, "
            + "\"num_attention_heads\": 1, \"intermediate_size\": 8}", "config.json");

    private static TaskExample pair(int line, String a, String b, String label) {
        return new TaskExample(String.valueOf(line), a, b, label, FILE, line);
    }

    @Test
    void readsSingleTextsPairsAndTripletsAndEveryRowMustHaveTheSameTexts(@TempDir Path dir) throws IOException {
        Path triplets = Files.writeString(dir.resolve("t.jsonl"), """
                {"text_a": "今天", "text_b": "明天", "negative": "后天"}
                {"text_a": "天气", "text_b": "气候", "hard_negative": "今天"}
                """);
        List<TaskExample> read = new EmbeddingTask(null, null, null).read(triplets, true);
        assertEquals("后天", read.get(0).negative());
        assertEquals("今天", read.get(1).negative());
        assertEquals(3, read.get(1).textCount());
        Path mixed = Files.writeString(dir.resolve("m.jsonl"), "{\"text\": \"今天\"}\n{\"text_a\": \"今天\", \"text_b\": \"明天\"}\n");
        InputException e = assertThrows(InputException.class, () -> new EmbeddingTask(null, null, null).read(mixed, true));
        assertEquals(mixed + ":2: 2 texts, but line 1 has 1; every row must have the same texts", e.getMessage());
        Path sts = Files.writeString(dir.resolve("sts.tsv"), "今天\t明天\t4\n");
        TaskExample scored = new EmbeddingTask(null, null, null).read(sts, true).getFirst();
        assertEquals("4", scored.label());
        assertEquals("明天", scored.textB());
    }

    @Test
    void packsAnExamplesTextsInOneRowWithTheirPlaceAsTokenType() {
        EmbeddingTask task = new EmbeddingTask(null, null, null);
        TaskExample triplet = new TaskExample("1", "今天", "明天", "后天", null, FILE, 1);
        Feature<Void> f = task.encode(List.of(triplet), List.of(), TOKENIZER, 8, true).getFirst();
        int[] a = TOKENIZER.encode("今天", null, 8, false).inputIds(), b = TOKENIZER.encode("明天", null, 8, false).inputIds();
        assertEquals(a.length * 3, f.inputIds().length);
        assertArrayEquals(a, Arrays.copyOfRange(f.inputIds(), 0, a.length));
        assertArrayEquals(b, Arrays.copyOfRange(f.inputIds(), a.length, 2 * a.length));
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}, f.tokenTypeIds());
        assertArrayEquals(new long[] {1}, f.targets());
        // unsupervised SimCSE: a single text is its own positive when trained, alone when predicted
        TaskExample single = new TaskExample("2", "今天", null, null, FILE, 2);
        assertEquals(2 * a.length, task.encode(List.of(single), List.of(), TOKENIZER, 8, true).getFirst().inputIds().length);
        Feature<Void> predicted = task.encode(List.of(single), List.of(), TOKENIZER, 8, false).getFirst();
        assertEquals(a.length, predicted.inputIds().length);
        assertNull(predicted.targets());
    }

    @Test
    void simcseAsksOnlyPositivePairsAndCosentRanksTheScores() {
        List<TaskExample> pairs = List.of(pair(1, "今天", "明天", "1"), pair(2, "今天", "后天", "0"));
        List<Feature<Void>> simcse = new EmbeddingTask(null, null, null).encode(pairs, List.of(), TOKENIZER, 8, true);
        assertArrayEquals(new long[] {1}, simcse.get(0).targets());
        assertArrayEquals(new long[] {TaskModel.IGNORED}, simcse.get(1).targets());
        List<TaskExample> scored = List.of(pair(1, "今天", "明天", "3.5"), pair(2, "今天", "后天", "0"), pair(3, "明天", "后天", "3.5"),
                pair(4, "天", "气", "5"));
        List<Feature<Void>> cosent = new EmbeddingTask(null, EmbeddingObjective.COSENT, null).encode(scored, List.of(), TOKENIZER, 8, true);
        assertEquals(List.of(1L, 0L, 1L, 2L), cosent.stream().map(f -> f.targets()[0]).toList());
    }

    @Test
    void trainingFilesMustFitTheObjective() {
        EmbeddingTask simcse = new EmbeddingTask(null, null, null), cosent = new EmbeddingTask(null, EmbeddingObjective.COSENT, null);
        NezhaConfig config = simcse.configure(BASE, List.of());
        InputException graded = assertThrows(InputException.class, () -> simcse.checkTraining(List.of(pair(1, "a", "b", "1"), pair(7, "a", "c", "4")), config));
        assertEquals("train.jsonl:7: label '4': SimCSE takes 0/1 labels (1: a positive pair); for graded scores use --embedding-loss cosent",
                graded.getMessage());
        TaskExample single = new TaskExample("1", "今天", null, null, FILE, 1);
        InputException singles = assertThrows(InputException.class, () -> cosent.checkTraining(List.of(single), cosent.configure(BASE, List.of())));
        assertTrue(singles.getMessage().contains("cosent trains on pairs with a graded score"), singles.getMessage());
        InputException notNumber = assertThrows(InputException.class,
                () -> cosent.checkTraining(List.of(pair(1, "a", "b", "1"), pair(3, "a", "b", "high")), cosent.configure(BASE, List.of())));
        assertEquals("train.jsonl:3: label 'high' is not a number (a similarity score)", notNumber.getMessage());
    }

    @Test
    void configRecordsPoolingObjectiveAndTemperatureAndAModelKeepsItsPooling() {
        NezhaConfig config = new EmbeddingTask(SentencePooling.MEAN, EmbeddingObjective.COSENT, 0.1).configure(BASE, List.of());
        assertEquals("mean", config.text(SentencePooling.CONFIG_FIELD));
        assertEquals("cosent", config.text(EmbeddingObjective.CONFIG_FIELD));
        assertEquals("0.1", config.text(EmbeddingObjective.TEMPERATURE_FIELD));
        assertEquals(List.of("NezhaModel"), config.architectures());
        assertEquals("mean", new EmbeddingTask(null, null, null).configure(config, List.of()).text(SentencePooling.CONFIG_FIELD));
        InputException e = assertThrows(InputException.class, () -> new EmbeddingTask(SentencePooling.CLS, null, null).configure(config, List.of()));
        assertTrue(e.getMessage().startsWith("--pooling cls: the model was trained with mean pooling"), e.getMessage());
    }

    @Test
    void metricsCorrelateTheCosineWithTheGoldAndTheBaselineIsCharacterOverlap() {
        List<TaskExample> dev = List.of(pair(1, "今天", "明天", "1"), pair(2, "今天", "今天", "5"), pair(3, "天", "气", "0"));
        List<Embedded> predictions = List.of(new Embedded(null, 0.5, Double.NaN), new Embedded(null, 0.9, Double.NaN),
                new Embedded(null, -0.2, Double.NaN));
        EmbeddingTask task = new EmbeddingTask(null, null, null);
        Map<String, Object> metrics = task.metrics(dev, predictions, List.of());
        assertEquals(1.0, (double) metrics.get("spearman"), 1e-12);
        assertEquals(3, metrics.get("pairs"));
        List<Embedded> baseline = task.baseline(dev, List.of());
        assertEquals(1.0 / 3, baseline.get(0).similarity(), 1e-12); // {今, 天} and {明, 天} share one of three characters
        assertEquals(1.0, baseline.get(1).similarity(), 1e-12);
        InputException singles = assertThrows(InputException.class,
                () -> task.metrics(List.of(new TaskExample("1", "今天", null, null, FILE, 1)), List.of(predictions.get(0)), List.of()));
        assertTrue(singles.getMessage().startsWith("train.jsonl: evaluating embeddings needs scored pairs"), singles.getMessage());
    }
}
