package org.nezha.core.task.ner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.model.TaskModel;
import org.nezha.core.task.Feature;
import org.nezha.core.tokenizer.Vocab;

/** Encoding words into rows (pieces, [UNK], windows) and decoding rows back into each sentence's tags; the writer's lines. */
class NerTaskTest {
    private static final List<String> LABELS = List.of("O", "B-LOC", "I-LOC", "B-PER", "I-PER");
    private static final String[] TYPES = {"LOC", "PER"};
    private final NerTask task = new NerTask();

    private static NerExample example(List<String> words, List<Span> entities) {
        return new NerExample(null, String.join("", words), words, NerReader.starts(words, 0), entities, Path.of("t.txt"), 1, true,
                TagScheme.BIO, 0);
    }

    @Test
    void theFirstPieceCarriesTheTagAndADroppedCharacterBecomesUnk() {
        Vocab vocab = NerFixtures.TOKENIZER.vocab();
        List<String> words = List.of("张", "三", "\u3000", "\uFFFD", "playing", "好");
        int[] playing = NerFixtures.TOKENIZER.tokenIds("playing");
        NerExample e = example(words, List.of(new Span("PER", 0, 2), new Span("LOC", 4, 5)));
        Feature<TagWindow> row = task.encode(List.of(e), LABELS, NerFixtures.TOKENIZER, 64, true).getFirst();

        List<Integer> ids = new ArrayList<>(List.of(vocab.clsId(), vocab.id("张"), vocab.id("三"), vocab.unkId(), vocab.unkId()));
        for (int id : playing) ids.add(id);
        ids.add(vocab.id("好"));
        ids.add(vocab.sepId());
        assertArrayEquals(ids.stream().mapToInt(Integer::intValue).toArray(), row.inputIds());
        long[] targets = new long[ids.size()];
        java.util.Arrays.fill(targets, TaskModel.IGNORED);
        targets[1] = 3;
        targets[2] = 4;
        targets[3] = 0;
        targets[4] = 0;
        targets[5] = 1;
        targets[5 + playing.length] = 0;
        assertArrayEquals(targets, row.targets(), "tags on first pieces only; [CLS], [SEP] and later pieces ignored");
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, row.mapping().words());
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 5 + playing.length}, row.mapping().positions());
        assertNull(task.encode(List.of(e), LABELS, NerFixtures.TOKENIZER, 64, false).getFirst().targets());
    }

    /**
     * Random sentences (some words of several pieces) at row sizes from 3 tokens up: every word is predicted by
     * exactly one row, and logits that favour the gold tag only where a row owns the word (and a wrong tag
     * everywhere else) decode to the gold tags.
     */
    @Test
    void windowsPredictEveryWordOnceAndMergeBack() {
        SplittableRandom random = new SplittableRandom(9);
        List<NerExample> examples = new ArrayList<>();
        for (int s = 0; s < 40; s++) examples.add(randomSentence(random, s % 10 == 0 ? 0 : 1 + random.nextInt(45)));
        TagSet tags = new TagSet(LABELS);
        for (int seqLen : new int[] {3, 4, 5, 7, 8, 13, 16, 64}) {
            List<Feature<TagWindow>> rows = task.encode(examples, LABELS, NerFixtures.TOKENIZER, seqLen, true);
            int[][] predictedBy = new int[examples.size()][];
            for (int e = 0; e < examples.size(); e++) predictedBy[e] = new int[examples.get(e).length()];
            List<float[]> logits = new ArrayList<>();
            for (Feature<TagWindow> row : rows) {
                assertTrue(row.inputIds().length <= seqLen, "row length at " + seqLen);
                int[] gold = tags.goldIds(examples.get(row.example()));
                float[] scores = new float[row.inputIds().length * LABELS.size()];
                for (int p = 0; p < row.inputIds().length; p++) scores[p * LABELS.size() + 4] = 9; // I-PER: wrong wherever it is not owned
                TagWindow w = row.mapping();
                for (int k = 0; k < w.words().length; k++) {
                    predictedBy[row.example()][w.words()[k]]++;
                    scores[w.positions()[k] * LABELS.size() + 4] = 0;
                    scores[w.positions()[k] * LABELS.size() + gold[w.words()[k]]] = 9;
                    assertEquals(gold[w.words()[k]], row.targets()[w.positions()[k]]);
                }
                logits.add(scores);
            }
            for (int[] counts : predictedBy) for (int c : counts) assertEquals(1, c, "each word predicted once at seqLen " + seqLen);
            List<NerPrediction> predictions = task.decode(null, examples, rows, logits, LABELS);
            for (int e = 0; e < examples.size(); e++) {
                assertEquals(tags.goldTags(examples.get(e)), predictions.get(e).tags(), "sentence " + e + " at seqLen " + seqLen);
            }
            assertEquals(1.0, (double) task.metrics(examples, predictions, LABELS).get("f1"), seqLen + "");
        }
    }

    private static NerExample randomSentence(SplittableRandom random, int length) {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < length; i++) words.add(random.nextInt(6) == 0 ? "unbelievable" : String.valueOf((char) ('一' + random.nextInt(500))));
        List<Span> entities = new ArrayList<>();
        for (int i = 0; i < length; ) {
            int size = 1 + random.nextInt(3);
            if (random.nextBoolean() && i + size <= length) entities.add(new Span(TYPES[random.nextInt(2)], i, i + size));
            i += size + random.nextInt(3);
        }
        return new NerExample(null, String.join(" ", words), words, NerReader.starts(words, 1), entities, Path.of("t.txt"), 1, true,
                TagScheme.BIO, 0);
    }

    @Test
    void writesOneJsonLinePerInputThatReadsBack(@TempDir Path dir) throws Exception {
        Path in = NerFixtures.file(dir, "in.jsonl", """
                {"id": "a", "text": "😀张三在北京"}
                {"text": ""}
                {"id": 3, "text": "北京"}
                """);
        List<NerExample> examples = task.read(in, false);
        List<NerPrediction> predictions = List.of(
                NerPrediction.of(examples.get(0), List.of("O", "B-PER", "I-PER", "O", "B-LOC", "I-LOC")),
                NerPrediction.of(examples.get(1), List.of()),
                NerPrediction.of(examples.get(2), List.of("B-LOC", "I-LOC")));
        assertEquals(List.of(new NerEntity("PER", 1, 3, "张三"), new NerEntity("LOC", 4, 6, "北京")), predictions.get(0).entities());
        Path out = dir.resolve("out.jsonl");
        task.write(out, examples, predictions, LABELS);
        List<String> lines = Files.readAllLines(out);
        assertEquals("{\"id\":\"a\",\"text\":\"😀张三在北京\",\"entities\":[{\"type\":\"PER\",\"start\":1,\"end\":3,\"text\":\"张三\"},"
                + "{\"type\":\"LOC\",\"start\":4,\"end\":6,\"text\":\"北京\"}],\"tags\":[\"O\",\"B-PER\",\"I-PER\",\"O\",\"B-LOC\",\"I-LOC\"]}", lines.get(0));
        assertEquals("{\"text\":\"\",\"entities\":[],\"tags\":[]}", lines.get(1));
        List<NerExample> back = task.read(out, true);
        assertEquals(List.of("a", "3"), List.of(back.get(0).id(), back.get(2).id()));
        assertEquals(List.of(new Span("PER", 1, 3), new Span("LOC", 4, 6)), back.get(0).entities());
        assertEquals(List.of(new Span("LOC", 0, 2)), back.get(2).entities());
    }
}
