package org.nezha.core.task.span;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.InputException;
import org.nezha.core.config.NezhaConfig;
import org.nezha.core.model.AttentionBackends;
import org.nezha.core.model.TaskModel;
import org.nezha.core.task.Feature;
import org.nezha.core.tensor.Tensors;
import org.nezha.core.tokenizer.BertTokenizer;
import org.nezha.core.tokenizer.TokenizerOptions;
import org.nezha.core.tokenizer.Vocab;
import org.nezha.core.train.Optimizer;
import org.nezha.core.train.Optimizers;

/**
 * The task end to end through {@link SpanTask}: SQuAD files read, windows encoded, a tiny NEZHA (hidden
 * 32, 2 layers, 2 heads) trained with plain AdamW steps, predictions decoded, scored and written.
 *
 * <p>The data is synthetic, because CMRC 2018 is far beyond a tiny model trained from scratch in
 * seconds (400 such steps on its trial set scored F1 7.2 on 300 dev questions, below the 9.1 of
 * answering with the passage's first 8 characters): a passage of random characters holds a book title 《…》 and a quotation 「…」, and the question
 * asks for one of them ("书名是什么？" or "引语是什么？"), so the model must read the question, find the
 * right brackets and take what is between them. Passages run past one window.
 */
class SpanTaskTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Device CPU = new Device("cpu").retainReference();
    private static final String FILLER = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄黄宇宙洪荒日月";
    private static final String[] QUESTIONS = {"书名是什么？", "引语是什么？"};
    private static final String[][] BRACKETS = {{"《", "》"}, {"「", "」"}};
    private static final int SEQ_LEN = 48;
    private static final SpanOptions OPTIONS = new SpanOptions(8, 8, 8, 20);

    @TempDir
    Path tmp;

    private BertTokenizer tokenizer() throws IOException {
        StringBuilder vocab = new StringBuilder("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n");
        (FILLER + "书名是什么？引语《》「」").codePoints().distinct().forEach(cp -> vocab.appendCodePoint(cp).append('\n'));
        return new BertTokenizer(Vocab.load(Files.writeString(tmp.resolve("vocab.txt"), vocab)), TokenizerOptions.defaults());
    }

    /** {@code questions} questions on passages of 20–60 characters, as a SQuAD file. */
    private Path squad(String name, int questions, long seed) throws IOException {
        Random random = new Random(seed);
        ArrayNode paragraphs = JSON.createArrayNode();
        for (int q = 0; q < questions; q++) {
            String[] spans = {filler(random, 2 + random.nextInt(4)), filler(random, 2 + random.nextInt(4))};
            List<String> parts = new ArrayList<>(List.of(BRACKETS[0][0] + spans[0] + BRACKETS[0][1], BRACKETS[1][0] + spans[1] + BRACKETS[1][1]));
            Collections.shuffle(parts, random);
            String context = filler(random, random.nextInt(20)) + parts.get(0) + filler(random, random.nextInt(20)) + parts.get(1)
                    + filler(random, random.nextInt(15));
            int asked = random.nextInt(2);
            ObjectNode paragraph = paragraphs.addObject().put("context", context);
            ObjectNode qa = paragraph.putArray("qas").addObject().put("id", name + "-" + q).put("question", QUESTIONS[asked]);
            qa.putArray("answers").addObject().put("text", spans[asked]).put("answer_start", context.indexOf(BRACKETS[asked][0]) + 1);
        }
        ObjectNode root = JSON.createObjectNode();
        root.putArray("data").addObject().set("paragraphs", paragraphs);
        Path file = tmp.resolve(name + ".json");
        JSON.writeValue(file.toFile(), root);
        return file;
    }

    private static String filler(Random random, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) s.append(FILLER.charAt(random.nextInt(FILLER.length())));
        return s.toString();
    }

    private static NezhaConfig config(int vocabSize) {
        return NezhaConfig.parse("""
                {"model_type": "nezha", "vocab_size": %d, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2,
                 "intermediate_size": 64, "max_position_embeddings": 64, "max_relative_position": 16,
                 "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0}
                """.formatted(vocabSize), "tiny.json");
    }

    /** Inputs, token types and mask of rows {@code from}…{@code to} padded to the longest, int64 [B, L]. */
    private static Tensor[] batch(List<Feature<SpanMapping>> features, int from, int to) {
        int rows = to - from, length = 0;
        for (int i = from; i < to; i++) length = Math.max(length, features.get(i).inputIds().length);
        long[] ids = new long[rows * length], types = new long[rows * length], mask = new long[rows * length];
        for (int r = 0; r < rows; r++) {
            Feature<SpanMapping> f = features.get(from + r);
            for (int t = 0; t < f.inputIds().length; t++) {
                ids[r * length + t] = f.inputIds()[t];
                types[r * length + t] = f.tokenTypeIds()[t];
                mask[r * length + t] = 1;
            }
        }
        return new Tensor[] {Tensors.longs(ids, CPU, rows, length), Tensors.longs(types, CPU, rows, length), Tensors.longs(mask, CPU, rows, length)};
    }

    private static void train(TaskModel model, List<Feature<SpanMapping>> features, int steps, int batchSize) {
        Optimizer optimizer = Optimizers.create("adamw", model.parameters().asMap(), 0.01, 1e-8);
        List<Feature<SpanMapping>> order = new ArrayList<>(features);
        Random random = new Random(3);
        for (int step = 0; step < steps; step++) {
            int from = (step * batchSize) % order.size();
            if (from + batchSize > order.size()) {
                Collections.shuffle(order, random);
                from = 0;
            }
            try (PointerScope scope = new PointerScope()) {
                Tensor[] in = batch(order, from, from + batchSize);
                long[] targets = new long[2 * batchSize];
                for (int r = 0; r < batchSize; r++) System.arraycopy(order.get(from + r).targets(), 0, targets, 2 * r, 2);
                Tensor loss = model.loss(model.logits(in[0], in[1], in[2], true), Tensors.longs(targets, CPU, batchSize, 2), in[2],
                        1.0 / batchSize);
                model.backward(loss);
                optimizer.step(3e-3 * Math.min(1.0, (step + 1) / 30.0));
                optimizer.zeroGrad();
            }
        }
    }

    /** Each feature's [length, 2] scores for its real tokens, as the task's decoder takes them. */
    private static List<float[]> logits(TaskModel model, List<Feature<SpanMapping>> features) {
        List<float[]> out = new ArrayList<>();
        for (int from = 0; from < features.size(); from += 64) {
            int to = Math.min(features.size(), from + 64);
            try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                Tensor[] in = batch(features, from, to);
                Tensor scores = model.logits(in[0], in[1], in[2], false);
                for (int r = 0; r < to - from; r++) {
                    out.add(Tensors.toFloats(scores.select(0, r).narrow(0, 0, features.get(from + r).inputIds().length).contiguous()));
                }
            }
        }
        return out;
    }

    private static double f1Of(SpanTask task, List<SpanExample> examples, Function<SpanExample, String> answer) {
        List<SpanPrediction> predictions = examples.stream().map(e -> new SpanPrediction(answer.apply(e), 0, 0, 0)).toList();
        return (double) task.metrics(examples, predictions, List.of()).get("f1");
    }

    /** The text between the first brackets of the passage, whatever the question asks. */
    private static String firstBracketed(SpanExample e) {
        int open = Math.min(e.context().indexOf('《'), e.context().indexOf('「'));
        int close = e.context().indexOf(e.context().charAt(open) == '《' ? '》' : '」');
        return e.context().substring(open + 1, close);
    }

    @Test
    void learnsToAnswerFromTheQuestionAndWritesItsPredictions() throws IOException {
        torch.manual_seed(11);
        SpanTask task = new SpanTask(OPTIONS);
        BertTokenizer tokenizer = tokenizer();
        List<SpanExample> train = task.read(squad("train", 512, 1), true);
        List<SpanExample> dev = task.read(squad("dev", 128, 2), true);
        List<Feature<SpanMapping>> trainRows = task.encode(train, task.labels(train), tokenizer, SEQ_LEN, true);
        List<Feature<SpanMapping>> devRows = task.encode(dev, List.of(), tokenizer, SEQ_LEN, false);
        assertTrue(devRows.size() > dev.size(), "some passages need two windows");

        TaskModel model = task.model(config(tokenizer.vocab().size()), AttentionBackends.byName("eager"));
        long start = System.nanoTime();
        train(model, trainRows, 400, 16);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<SpanPrediction> predictions = task.decode(model, dev, devRows, logits(model, devRows), List.of());
        Map<String, Object> metrics = task.metrics(dev, predictions, List.of());

        double firstChars = f1Of(task, dev, e -> e.context().substring(0, 3));
        double questionBlind = f1Of(task, dev, SpanTaskTest::firstBracketed);
        System.out.printf("span learning: %s after 400 steps in %.1f s; baselines F1: first 3 characters %.1f, first bracketed %.1f%n",
                metrics, seconds, firstChars, questionBlind);
        assertTrue((double) metrics.get("f1") > 90, metrics.toString());
        assertTrue((double) metrics.get("em") > 80, metrics.toString());
        assertTrue(firstChars < 20 && questionBlind < 70, firstChars + " " + questionBlind);

        Path out = tmp.resolve("predictions.json");
        task.write(out, dev, predictions, List.of());
        String written = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(!written.contains("\\u") && written.contains(predictions.getFirst().text()), "UTF-8, not escaped");
        JsonNode read = JSON.readTree(written);
        List<String> ids = new ArrayList<>();
        read.fieldNames().forEachRemaining(ids::add);
        assertEquals(dev.stream().map(SpanExample::id).toList(), ids, "one entry per question, in input order");
        for (int i = 0; i < dev.size(); i++) assertEquals(predictions.get(i).text(), read.get(dev.get(i).id()).asText());
    }

    @Test
    void aFailedWriteLeavesNoFile() {
        SpanExample e = new SpanExample("q", "?", "文本", List.of());
        Path out = tmp.resolve("missing-dir/predictions.json");
        assertThrows(InputException.class, () -> new SpanTask().write(out, List.of(e), List.of(SpanPrediction.NONE), List.of()));
        assertFalse(Files.exists(out.getParent()));
    }

    @Test
    void selectsByF1ThenEmAndHasNoLabels() {
        SpanTask task = new SpanTask();
        assertEquals("span", task.name());
        assertEquals(List.of("f1", "em"), task.selectionMetrics());
        assertEquals(List.of(), task.labels(List.of()));
    }
}
