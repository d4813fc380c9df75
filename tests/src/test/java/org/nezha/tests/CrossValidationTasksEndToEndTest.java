package org.nezha.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.task.ner.NerExample;
import org.nezha.core.task.ner.NerTask;
import org.nezha.core.task.span.SpanExample;
import org.nezha.core.task.span.SpanTask;

/**
 * {@code nezha cv} beyond classification, with a tiny model and a few steps per fold: NER on a column-file
 * slice of the resume set, span extraction on a CMRC 2018 slice grouped by context. Every example is held out
 * exactly once, the fold files read back as the held-out examples, the out-of-fold file (the task's predict
 * output) has one prediction per training example in order, the summary and plot are written, and a rerun
 * over a directory with more folds removes the stale fold directories (and another task's oof file).
 */
class CrossValidationTasksEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SENTENCES = 40;
    private static final List<String> NER_OPTIONS = List.of("--seq-len", "64");
    private static final List<String> SPAN_OPTIONS = List.of("--seq-len", "96", "--doc-stride", "32", "--max-query-length", "24");

    @Test
    void nerColumnFile(@TempDir Path dir) throws Exception {
        Path train = nerSlice(dir.resolve("train.bmes"));
        Path out = dir.resolve("cv");
        Files.createDirectories(out.resolve("fold-7"));
        Files.writeString(out.resolve("fold-7/dev.bmes"), "stale\tO\n");
        Files.createDirectories(out.resolve("fold-notes"));
        Files.writeString(out.resolve("oof.csv"), "id,fold,gold,label\n"); // a classification run's
        Cli run = Cli.run(cv(dir, "ner", train, out, NER_OPTIONS, "--folds", "3", "--overwrite"));
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("cross-validation done: 3 folds, f1 "), run.out());
        assertFalse(Files.exists(out.resolve("fold-7")), "an earlier run's fold-7 is removed");
        assertTrue(Files.isDirectory(out.resolve("fold-notes")), "only fold-<number> directories are removed");
        assertFalse(Files.exists(out.resolve("oof.csv")), "an earlier run's predictions of another task are removed");

        NerTask task = new NerTask();
        List<String> texts = task.read(train, true).stream().map(NerExample::text).toList();
        int[] folds = folds(out, SENTENCES, 3);
        for (int fold = 1; fold <= 3; fold++) {
            List<NerExample> dev = task.read(out.resolve("fold-" + fold + "/dev.bmes"), true);
            assertEquals(heldOut(texts, folds, fold), dev.stream().map(NerExample::text).toList());
            assertEquals(SENTENCES, dev.size() + task.read(out.resolve("fold-" + fold + "/train.bmes"), true).size());
            assertTrue(Files.isRegularFile(out.resolve("fold-" + fold + "/best/model.safetensors")));
        }
        List<String> oof = Files.readAllLines(out.resolve("oof.jsonl"));
        assertEquals(SENTENCES, oof.size());
        for (int i = 0; i < SENTENCES; i++) {
            JsonNode line = JSON.readTree(oof.get(i));
            assertEquals(texts.get(i), line.get("text").asText());
            assertEquals(texts.get(i).length(), line.get("tags").size());
        }
        checkSummary(out, "f1", SENTENCES);
    }

    @Test
    void spanGroupedByContext(@TempDir Path dir) throws Exception {
        Path train = squadSlice(dir.resolve("train.json"), 6);
        SpanTask task = new SpanTask();
        List<SpanExample> examples = task.read(train, true);
        Path out = dir.resolve("cv");
        Cli run = Cli.run(cv(dir, "span", train, out, SPAN_OPTIONS, "--folds", "3", "--group-by", "context"));
        assertEquals(0, run.exitCode(), run.toString());

        int[] folds = folds(out, examples.size(), 3);
        Map<String, Integer> foldOfContext = new HashMap<>();
        int sharedContexts = 0;
        for (int i = 0; i < examples.size(); i++) {
            Integer first = foldOfContext.putIfAbsent(examples.get(i).context(), folds[i]);
            if (first == null) continue;
            sharedContexts++;
            assertEquals(first, folds[i], "question " + examples.get(i).id() + ": its paragraph's questions are in one fold");
        }
        assertTrue(sharedContexts > 0, "the slice has paragraphs with several questions");
        for (int fold = 1; fold <= 3; fold++) {
            assertEquals(heldOut(examples, folds, fold), task.read(out.resolve("fold-" + fold + "/dev.json"), true));
            assertEquals(examples.size() - heldOut(examples, folds, fold).size(), task.read(out.resolve("fold-" + fold + "/train.json"), true).size());
        }
        JsonNode oof = JSON.readTree(out.resolve("oof.json").toFile());
        List<String> ids = new ArrayList<>();
        oof.fieldNames().forEachRemaining(ids::add);
        assertEquals(examples.stream().map(SpanExample::id).toList(), ids);
        checkSummary(out, "f1", examples.size());
    }

    @Test
    void tasksRefuseWhatTheirFilesCannotDo(@TempDir Path dir) throws Exception {
        Path ner = nerSlice(dir.resolve("train.bmes"));
        Path span = squadSlice(dir.resolve("train.json"), 3);
        Path out = dir.resolve("out");
        String[][] cases = {
            {"ner", ner.toString(), "--stratify", "nezha: error: --stratify: ner examples have no single label each to spread over the folds "
                    + "(pair and single have, and embedding rows that all carry a score)"},
            {"ner", ner.toString(), "--group-by doc", "nezha: error: " + ner + ": --group-by doc: column files have no named fields"},
            {"span", span.toString(), "--group-by qid", "nezha: error: " + span + ": --group-by qid: a SQuAD file's questions group by "
                    + "context (a paragraph's questions) or title (an article's)"},
            {"ner", ner.toString(), "--threshold-search", "nezha: error: --threshold-search is for pair and single classification, not ner"},
        };
        for (String[] c : cases) {
            List<String> options = new ArrayList<>(List.of("--folds", "2"));
            options.addAll(Arrays.asList(c[2].split(" ")));
            Cli run = Cli.run(cv(dir, c[0], Path.of(c[1]), out, c[0].equals("ner") ? NER_OPTIONS : SPAN_OPTIONS, options.toArray(String[]::new)));
            assertEquals(2, run.exitCode(), run.toString());
            assertEquals(c[3], run.errorLine());
            assertFalse(Files.exists(out), c[2] + ": nothing written");
        }
        // what a fold's finetune would find only after reading the labels is checked on the whole file first
        List<String> binaryAlpha = new ArrayList<>(NER_OPTIONS);
        binaryAlpha.addAll(List.of("--loss", "focal", "--focal-alpha", "0.25"));
        Cli refused = Cli.run(cv(dir, "ner", ner, out, binaryAlpha, "--folds", "2"));
        assertEquals(2, refused.exitCode(), refused.toString());
        assertTrue(refused.errorLine().startsWith("nezha: error: --focal-alpha weighs the two classes of a binary task; this one has "),
                refused.errorLine());
        assertFalse(Files.exists(out), "nothing written");
    }

    /** nezha cv with a tiny model and a few steps per fold on {@code train}, the cv options first, the task's own finetune options last. */
    private static String[] cv(Path dir, String task, Path train, Path out, List<String> taskOptions, String... cvOptions) throws Exception {
        List<String> args = new ArrayList<>(List.of("cv", "--output", out.toString()));
        args.addAll(List.of(cvOptions));
        args.addAll(List.of("--", "--task", task, "--model-config", Fixtures.tinyConfig(dir).toString(), "--vocab", Fixtures.VOCAB.toString(),
                "--train", train.toString(), "--max-steps", "4", "--eval-every", "2", "--batch-size", "16", "--lr", "1e-3", "--threads", "2"));
        args.addAll(taskOptions);
        return args.toArray(String[]::new);
    }

    /** The first sentences of the resume NER set's training file (BMES columns), as written. */
    private static Path nerSlice(Path target) throws Exception {
        StringBuilder text = new StringBuilder();
        int sentences = 0;
        for (String line : Files.readAllLines(Fixtures.DATA.resolve("ner_resume/train.bmes"))) {
            text.append(line).append('\n');
            if (line.isBlank() && ++sentences == SENTENCES) break;
        }
        Files.writeString(target, text.toString());
        return target;
    }

    /** The first {@code articles} articles of the CMRC 2018 sample, as SQuAD JSON. */
    private static Path squadSlice(Path target, int articles) throws Exception {
        JsonNode all = JSON.readTree(Fixtures.DATA.resolve("cmrc2018/train.json").toFile());
        ObjectNode slice = JSON.createObjectNode().put("version", all.path("version").asText());
        ArrayNode data = slice.putArray("data");
        for (int i = 0; i < articles; i++) data.add(all.get("data").get(i));
        JSON.writeValue(target.toFile(), slice);
        return target;
    }

    /** folds.tsv: each example's fold, every one of 1..k, each example once in file order. */
    private static int[] folds(Path out, int examples, int k) throws Exception {
        List<String> rows = Files.readAllLines(out.resolve("folds.tsv"));
        assertEquals("example\tfold", rows.getFirst());
        assertEquals(examples + 1, rows.size());
        int[] folds = new int[examples];
        for (int i = 0; i < examples; i++) {
            String[] cells = rows.get(i + 1).split("\t");
            assertEquals(Integer.toString(i + 1), cells[0]);
            folds[i] = Integer.parseInt(cells[1]);
            assertTrue(folds[i] >= 1 && folds[i] <= k, rows.get(i + 1));
        }
        for (int fold = 1; fold <= k; fold++) {
            int f = fold;
            assertTrue(Arrays.stream(folds).anyMatch(x -> x == f), "fold " + fold + " holds examples");
        }
        return folds;
    }

    private static <T> List<T> heldOut(List<T> items, int[] folds, int fold) {
        List<T> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) if (folds[i] == fold) out.add(items.get(i));
        return out;
    }

    /** cv_summary.json: the metric per fold, their mean and std, the out-of-fold metrics; folds.png. */
    private static void checkSummary(Path out, String metric, int examples) throws Exception {
        JsonNode summary = JSON.readTree(out.resolve("cv_summary.json").toFile());
        assertEquals(metric, summary.get("metric").asText());
        assertEquals(examples, summary.get("examples").asInt());
        double sum = 0, squares = 0;
        int held = 0;
        Iterator<JsonNode> perFold = summary.get("per_fold").elements();
        List<Double> scores = new ArrayList<>();
        while (perFold.hasNext()) {
            JsonNode fold = perFold.next();
            scores.add(fold.get(metric).asDouble());
            held += fold.get("dev_examples").asInt();
        }
        assertEquals(3, scores.size());
        assertEquals(examples, held);
        for (double s : scores) sum += s;
        double mean = sum / scores.size();
        for (double s : scores) squares += (s - mean) * (s - mean);
        assertEquals(mean, summary.get("mean").asDouble(), 1e-9);
        assertEquals(Math.sqrt(squares / scores.size()), summary.get("std").asDouble(), 1e-9);
        assertTrue(summary.get("oof").get(metric).isNumber());
        byte[] png = Files.readAllBytes(out.resolve("folds.png"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
    }
}
