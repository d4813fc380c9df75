package org.nezha.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nezha cv --folds 3 --stratify --threshold-search} on an AFQMC slice with a tiny model, then the
 * folds' models through {@code ensemble}, {@code predict} and {@code eval}: every training example is
 * predicted once out of fold, the summary and plot are written, an ensemble of one model twice is that
 * model, a mean ensemble averages its members, and a stored threshold decides the labels.
 */
class CrossValidationEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EXAMPLES = 60;

    @Test
    void foldsOutOfFoldPredictionsEnsemblesAndThresholds(@TempDir Path dir) throws Exception {
        Path train = Fixtures.head(Fixtures.AFQMC_TRAIN, EXAMPLES, dir.resolve("train.tsv"));
        Path out = dir.resolve("cv");
        Cli run = Cli.run(cv(dir, train, out, "--folds", "3", "--stratify", "--threshold-search"));
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("cross-validation done: 3 folds, accuracy "), run.out());

        List<String> goldLabels = Files.readAllLines(train).stream().skip(1).map(l -> l.substring(l.lastIndexOf('\t') + 1)).toList();
        JsonNode summary = JSON.readTree(out.resolve("cv_summary.json").toFile());
        double threshold = summary.get("threshold").asDouble();
        int heldOut = 0;
        for (int fold = 1; fold <= 3; fold++) {
            Path foldDir = out.resolve("fold-" + fold);
            List<String> foldDev = Files.readAllLines(foldDir.resolve("dev.tsv"));
            List<String> foldTrain = Files.readAllLines(foldDir.resolve("train.tsv"));
            assertEquals("sentence1\tsentence2\tlabel", foldDev.getFirst());
            assertEquals(EXAMPLES, foldDev.size() - 1 + foldTrain.size() - 1);
            heldOut += foldDev.size() - 1;
            assertTrue(Files.isRegularFile(foldDir.resolve("best/model.safetensors")));
            assertTrue(Files.isRegularFile(foldDir.resolve("metrics.jsonl")));
            assertEquals(threshold, JSON.readTree(foldDir.resolve("best/config.json").toFile()).get("nezha_threshold").asDouble());
        }
        assertEquals(EXAMPLES, heldOut);

        List<String> oof = Files.readAllLines(out.resolve("oof.csv"));
        assertEquals("id,fold,gold,label,prob_0,prob_1", oof.getFirst());
        assertEquals(EXAMPLES + 1, oof.size());
        Set<String> ids = new HashSet<>();
        Map<String, int[]> labelsPerFold = new HashMap<>();
        for (int i = 1; i < oof.size(); i++) {
            String[] cells = oof.get(i).split(",");
            ids.add(cells[0]);
            assertEquals(goldLabels.get(i - 1), cells[2]);
            labelsPerFold.computeIfAbsent(cells[2], l -> new int[3])[Integer.parseInt(cells[1]) - 1]++;
            assertEquals(Double.parseDouble(cells[5]) >= threshold ? "1" : "0", cells[3], oof.get(i));
        }
        assertEquals(EXAMPLES, ids.size());
        for (int[] counts : labelsPerFold.values()) {
            assertTrue(Math.abs(counts[0] - counts[1]) <= 1 && Math.abs(counts[1] - counts[2]) <= 1 && Math.abs(counts[0] - counts[2]) <= 1);
        }

        assertEquals("accuracy", summary.get("metric").asText());
        assertEquals(3, summary.get("folds").asInt());
        assertEquals(EXAMPLES, summary.get("examples").asInt());
        double sum = 0;
        for (JsonNode fold : summary.get("per_fold")) sum += fold.get("accuracy").asDouble();
        assertEquals(sum / 3, summary.get("mean").asDouble(), 1e-9);
        assertTrue(summary.get("std").asDouble() >= 0);
        assertTrue(summary.get("oof").get("accuracy").isNumber());
        assertTrue(summary.has("threshold_positive_f1"));
        byte[] png = Files.readAllBytes(out.resolve("folds.png"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));

        // an ensemble of one model twice is that model
        Path input = out.resolve("fold-1/dev.tsv");
        Path fold1 = out.resolve("fold-1/best"), fold2 = out.resolve("fold-2/best");
        Path single = dir.resolve("single.csv"), twice = dir.resolve("twice.csv");
        assertEquals(0, Cli.run("predict", "--model", fold1.toString(), "--input", input.toString(), "--output", single.toString(),
                "--threads", "2").exitCode());
        Cli ensemble = Cli.run("ensemble", "--models", fold1.toString(), fold1.toString(), "--input", input.toString(), "--output",
                twice.toString(), "--method", "mean", "--threads", "2");
        assertEquals(0, ensemble.exitCode(), ensemble.toString());
        assertEquals(Files.readAllLines(single), Files.readAllLines(twice));

        // the mean of two models averages their probabilities and labels by their shared threshold
        Path second = dir.resolve("second.csv"), mean = dir.resolve("mean.csv");
        assertEquals(0, Cli.run("predict", "--model", fold2.toString(), "--input", input.toString(), "--output", second.toString(),
                "--threads", "2").exitCode());
        assertEquals(0, Cli.run("ensemble", "--models", fold1.toString(), fold2.toString(), "--input", input.toString(), "--output",
                mean.toString(), "--threads", "2").exitCode());
        List<String> a = Files.readAllLines(single), b = Files.readAllLines(second), m = Files.readAllLines(mean);
        assertEquals(a.size(), m.size());
        for (int i = 1; i < m.size(); i++) {
            String[] ra = a.get(i).split(","), rb = b.get(i).split(","), rm = m.get(i).split(",");
            for (int c = 2; c <= 3; c++) {
                assertEquals((Double.parseDouble(ra[c]) + Double.parseDouble(rb[c])) / 2, Double.parseDouble(rm[c]), 2e-6);
            }
            assertEquals(Double.parseDouble(rm[3]) >= threshold ? "1" : "0", rm[1], m.get(i));
        }

        // a stored threshold decides predict's labels, and eval says which one it used
        Path model = copyModel(fold1, dir.resolve("lenient"), 0.0);
        Path lenient = dir.resolve("lenient.csv");
        assertEquals(0, Cli.run("predict", "--model", model.toString(), "--input", input.toString(), "--output", lenient.toString(),
                "--threads", "2").exitCode());
        assertTrue(Files.readAllLines(lenient).stream().skip(1).allMatch(l -> l.split(",")[1].equals("1")));
        copyModel(fold1, model, 1.0);
        Cli eval = Cli.run("eval", "--model", model.toString(), "--data", input.toString(), "--threads", "2");
        assertEquals(0, eval.exitCode(), eval.toString());
        JsonNode scores = JSON.readTree(eval.out());
        assertEquals(1.0, scores.get("threshold").asDouble());
        assertEquals(0.0, scores.get("positive_recall").asDouble()); // nothing reaches P = 1
    }

    @Test
    void finetuneStoresTheThresholdThatMaximisesDevF1(@TempDir Path dir) throws Exception {
        Path train = Fixtures.head(Fixtures.AFQMC_TRAIN, 40, dir.resolve("train.tsv"));
        Path dev = Fixtures.head(Fixtures.AFQMC_DEV, 40, dir.resolve("dev.tsv"));
        Path out = dir.resolve("run");
        Cli run = Cli.run("finetune", "--task", "pair", "--model-config", Fixtures.tinyConfig(dir).toString(), "--vocab",
                Fixtures.VOCAB.toString(), "--train", train.toString(), "--dev", dev.toString(), "--output", out.toString(), "--max-steps", "3",
                "--batch-size", "16", "--seq-len", "48", "--lr", "1e-3", "--threads", "2", "--threshold-search");
        assertEquals(0, run.exitCode(), run.toString());
        double threshold = JSON.readTree(out.resolve("best/config.json").toFile()).get("nezha_threshold").asDouble();
        assertTrue(run.err().contains("threshold "), run.err());
        assertTrue(JSON.readTree(out.resolve("training_args.json").toFile()).get("threshold_search").asBoolean(), "the run's settings say so");

        Path csv = dir.resolve("dev.csv");
        assertEquals(0, Cli.run("predict", "--model", out.resolve("best").toString(), "--input", dev.toString(), "--output", csv.toString(),
                "--threads", "2").exitCode());
        List<String> gold = Files.readAllLines(dev).stream().skip(1).map(l -> l.substring(l.lastIndexOf('\t') + 1)).toList();
        List<Double> positive = Files.readAllLines(csv).stream().skip(1).map(l -> Double.parseDouble(l.split(",")[3])).toList();
        double chosen = positiveF1(gold, positive, threshold);
        for (double cut : positive) assertTrue(positiveF1(gold, positive, cut) <= chosen, "cut " + cut + " beats " + threshold);
        List<String> rows = Files.readAllLines(csv);
        for (int i = 1; i < rows.size(); i++) assertEquals(positive.get(i - 1) >= threshold ? "1" : "0", rows.get(i).split(",")[1]);
    }

    private static double positiveF1(List<String> gold, List<Double> positive, double cut) {
        int truePositives = 0, predicted = 0, actual = 0;
        for (int i = 0; i < gold.size(); i++) {
            boolean p = positive.get(i) >= cut, g = gold.get(i).equals("1");
            if (p) predicted++;
            if (g) actual++;
            if (p && g) truePositives++;
        }
        return 2.0 * truePositives / (predicted + actual);
    }

    @Test
    void groupsStayInOneFold(@TempDir Path dir) throws Exception {
        StringBuilder text = new StringBuilder("qid\tsentence1\tsentence2\tlabel\n");
        List<String> afqmc = Files.readAllLines(Fixtures.AFQMC_TRAIN).subList(1, 25);
        for (int i = 0; i < afqmc.size(); i++) text.append("q").append(i % 5).append('\t').append(afqmc.get(i)).append('\n');
        Path train = dir.resolve("grouped.tsv");
        Files.writeString(train, text.toString());
        Path out = dir.resolve("cv");
        Cli run = Cli.run(cv(dir, train, out, "--folds", "3", "--group-by", "qid"));
        assertEquals(0, run.exitCode(), run.toString());
        Map<String, String> foldOfGroup = new HashMap<>();
        List<String> oof = Files.readAllLines(out.resolve("oof.csv"));
        assertEquals(afqmc.size() + 1, oof.size());
        for (int i = 1; i < oof.size(); i++) {
            String group = "q" + ((i - 1) % 5), fold = oof.get(i).split(",")[1];
            assertEquals(foldOfGroup.computeIfAbsent(group, g -> fold), fold, group + " split across folds");
        }
        assertEquals("qid\tsentence1\tsentence2\tlabel", Files.readAllLines(out.resolve("fold-1/train.tsv")).getFirst());
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsWritten(@TempDir Path dir) throws Exception {
        Path train = Fixtures.head(Fixtures.AFQMC_TRAIN, 20, dir.resolve("train.tsv"));
        Path threeLabels = dir.resolve("three.tsv");
        Files.writeString(threeLabels, "label\ttext\n0\t好\n1\t坏\n2\t中\n0\t好的\n1\t坏的\n2\t一般\n");
        Path out = dir.resolve("out");
        String[][] cases = {
            {"--folds 1", "nezha: error: --folds must be at least 2, got 1"},
            {"--folds 21", "nezha: error: --folds 21: more folds than examples (20)"},
            {"--folds 2 --group-by question", "nezha: error: " + train + ": --group-by question: no such column (the columns: "
                    + "sentence1, sentence2, label)"},
            {"--folds 2 -- --dev " + train, "nezha: error: cv: --dev is set per fold (DIR/fold-N/); leave it out of the finetune options"},
            {"--folds 2 -- --output=" + out, "nezha: error: cv: --output is set per fold (DIR/fold-N/); leave it out of the finetune options"},
            {"--folds 2 -- --resume " + train, "nezha: error: cv: --resume continues one run; rerun a fold with nezha finetune and its "
                    + "DIR/fold-N/ files instead"},
        };
        for (String[] c : cases) {
            Cli run = Cli.run(cv(dir, train, out, c[0].split(" ")));
            assertEquals(2, run.exitCode(), run.toString());
            assertEquals(c[1], run.errorLine());
            assertFalse(Files.exists(out), c[0] + ": nothing written");
        }

        List<String> threeClass = new ArrayList<>(List.of(cv(dir, threeLabels, out, "--folds", "2", "--threshold-search")));
        threeClass.set(threeClass.indexOf("pair"), "single");
        Cli refused = Cli.run(threeClass.toArray(String[]::new));
        assertEquals(2, refused.exitCode(), refused.toString());
        assertEquals("nezha: error: --threshold-search is for two labels (a binary task); this task has 3: [0, 1, 2]", refused.errorLine());
        assertFalse(Files.exists(out));
        Cli finetune = Cli.run("finetune", "--task", "single", "--model-config", Fixtures.tinyConfig(dir).toString(), "--vocab",
                Fixtures.VOCAB.toString(), "--train", threeLabels.toString(), "--dev", threeLabels.toString(), "--output", out.toString(),
                "--threshold-search", "--max-steps", "1", "--threads", "2");
        assertEquals(2, finetune.exitCode(), finetune.toString());
        assertEquals("nezha: error: --threshold-search is for two labels (a binary task); this task has 3: [0, 1, 2]", finetune.errorLine());
        assertFalse(Files.exists(out));

        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "mine");
        Cli occupied = Cli.run(cv(dir, train, out, "--folds", "2"));
        assertEquals(2, occupied.exitCode(), occupied.toString());
        assertEquals("nezha: error: " + out + ": output directory is not empty (use --overwrite to replace its contents)", occupied.errorLine());
        try (Stream<Path> entries = Files.list(out)) {
            assertEquals(List.of(out.resolve("keep.txt")), entries.toList());
        }
    }

    @Test
    void ensembleMembersMustShareTaskAndLabels(@TempDir Path dir) throws Exception {
        Path pair = fakeModel(dir, "pair", "pair", "0", "1");
        Path single = fakeModel(dir, "single", "single", "0", "1");
        Path threeLabels = fakeModel(dir, "three", "pair", "0", "1", "2");
        Path csv = dir.resolve("out.csv");
        String[][] cases = {
            {single.toString(), "nezha: error: " + single + ": a single model, but " + pair + " is a pair model: ensemble members must share their task"},
            {threeLabels.toString(), "nezha: error: " + threeLabels + ": labels [0, 1, 2], but " + pair + " has [0, 1]: ensemble members must "
                    + "share their labels, in the same order"},
        };
        for (String[] c : cases) {
            Cli run = Cli.run("ensemble", "--models", pair.toString(), c[0], "--input", Fixtures.AFQMC_DEV.toString(), "--output", csv.toString());
            assertEquals(2, run.exitCode(), run.toString());
            assertEquals(c[1], run.errorLine());
        }
        Cli weights = Cli.run("ensemble", "--models", pair.toString(), pair.toString(), "--input", Fixtures.AFQMC_DEV.toString(), "--output",
                csv.toString(), "--method", "weighted", "--weights", "1");
        assertEquals("nezha: error: --weights: 1 weights for 2 models", weights.errorLine());
        Cli negative = Cli.run("ensemble", "--models", pair.toString(), pair.toString(), "--input", Fixtures.AFQMC_DEV.toString(), "--output",
                csv.toString(), "--method", "weighted", "--weights", "1", "-2");
        assertEquals("nezha: error: --weights must be a positive number, got -2.0", negative.errorLine());
        assertFalse(Files.exists(csv));
    }

    /** nezha cv with a tiny model and a few steps per fold on {@code train}, the cv options first. */
    /**
     * A rare label whose examples share a group sits in one fold, so the other fold's model trains without it:
     * every fold still predicts the whole file's labels (the same head), and every example is predicted.
     */
    @Test
    void foldsPredictTheWholeFilesLabelsWhenTheirPartLacksOne(@TempDir Path dir) throws Exception {
        List<String> rows = new ArrayList<>(List.of("text\tlabel\tgroup"));
        List<String> texts = Files.readAllLines(Fixtures.AFQMC_TRAIN).stream().skip(1).limit(30).map(l -> l.split("\t")[0]).toList();
        for (int i = 0; i < 28; i++) rows.add(texts.get(i) + "\t" + (i % 2 == 0 ? "warm" : "cold") + "\tg" + i / 4);
        rows.add(texts.get(28) + "\trare\tonly");
        rows.add(texts.get(29) + "\trare\tonly");
        Path train = Files.write(dir.resolve("rare.tsv"), rows);
        Path out = dir.resolve("cv");
        List<String> args = new ArrayList<>(List.of(cv(dir, train, out, "--folds", "2", "--group-by", "group")));
        args.set(args.indexOf("pair"), "single");
        Cli run = Cli.run(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        for (int fold = 1; fold <= 2; fold++) {
            JsonNode labels = JSON.readTree(out.resolve("fold-" + fold + "/best/config.json").toFile()).get("id2label");
            assertEquals("[\"cold\",\"rare\",\"warm\"]", JSON.writeValueAsString(List.of(labels.get("0"), labels.get("1"), labels.get("2"))));
        }
        List<String> oof = Files.readAllLines(out.resolve("oof.csv"));
        assertEquals("id,fold,gold,label,prob_cold,prob_rare,prob_warm", oof.getFirst());
        assertEquals(31, oof.size());
    }

    private static String[] cv(Path dir, Path train, Path out, String... cvOptions) throws Exception {
        List<String> args = new ArrayList<>(List.of("cv", "--output", out.toString()));
        int split = List.of(cvOptions).indexOf("--");
        args.addAll(List.of(cvOptions).subList(0, split < 0 ? cvOptions.length : split));
        args.addAll(List.of("--", "--task", "pair", "--model-config", Fixtures.tinyConfig(dir).toString(), "--vocab", Fixtures.VOCAB.toString(),
                "--train", train.toString(), "--max-steps", "4", "--eval-every", "2", "--batch-size", "16", "--seq-len", "48", "--lr", "1e-3",
                "--threads", "2"));
        if (split >= 0) args.addAll(List.of(cvOptions).subList(split + 1, cvOptions.length));
        return args.toArray(String[]::new);
    }

    /** A copy of a model directory with {@code threshold} stored in its config.json. */
    private static Path copyModel(Path from, Path to, double threshold) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) Files.copy(file, to.resolve(file.getFileName().toString()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        ObjectNode config = (ObjectNode) JSON.readTree(to.resolve("config.json").toFile());
        config.put("nezha_threshold", threshold);
        Files.writeString(to.resolve("config.json"), config.toString());
        return to;
    }

    /** A model directory with only a config.json and a vocabulary: enough for the checks made before any model loads. */
    private static Path fakeModel(Path dir, String name, String task, String... labels) throws Exception {
        Path model = dir.resolve(name);
        Files.createDirectories(model);
        ObjectNode config = (ObjectNode) JSON.readTree(Fixtures.tinyConfig(dir).toFile());
        config.put("nezha_task", task);
        ObjectNode id2label = config.putObject("id2label");
        for (int i = 0; i < labels.length; i++) id2label.put(Integer.toString(i), labels[i]);
        Files.writeString(model.resolve("config.json"), config.toString());
        Files.copy(Fixtures.VOCAB, model.resolve("vocab.txt"));
        return model;
    }
}
