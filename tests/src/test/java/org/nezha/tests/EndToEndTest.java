package org.nezha.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Every command on tiny configs, chained as a user would: pretrain → finetune --init → eval → predict. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path dir;
    Path pretrained, finetuned, train, dev;
    Cli pretrainRun, finetuneRun;

    @BeforeAll
    void pretrainAndFinetune() throws Exception {
        Cli pre = Cli.run("pretrain", "--model-config", Fixtures.tinyConfig(dir).toString(), "--vocab",
                Fixtures.VOCAB.toString(), "--train", Fixtures.CORPUS.toString(), "--output", dir.resolve("pre").toString(),
                "--max-steps", "12", "--batch-size", "8", "--seq-len", "64", "--lr", "1e-3", "--warmup", "2",
                "--log-every", "4", "--checkpoint-every", "6", "--threads", "2");
        assertEquals(0, pre.exitCode(), pre.toString());
        pretrainRun = pre;
        pretrained = dir.resolve("pre/model");
        train = Fixtures.head(Fixtures.AFQMC_TRAIN, 300, dir.resolve("train.tsv"));
        dev = Fixtures.head(Fixtures.AFQMC_DEV, 80, dir.resolve("dev.tsv"));
        Cli fine = Cli.run("finetune", "--task", "pair", "--init", pretrained.toString(), "--train", train.toString(),
                "--dev", dev.toString(), "--output", dir.resolve("fine").toString(), "--epochs", "2", "--batch-size", "16",
                "--seq-len", "64", "--lr", "5e-4");
        assertEquals(0, fine.exitCode(), fine.toString());
        assertTrue(fine.out().contains("dev accuracy"), fine.out());
        finetuned = dir.resolve("fine/best");
        finetuneRun = fine;
    }

    @Test
    void pretrainingWritesMetricsCheckpointsAndAModel() throws Exception {
        List<String> lines = Files.readAllLines(dir.resolve("pre/metrics.jsonl"));
        assertEquals(3, lines.size());
        JsonNode last = JSON.readTree(lines.getLast());
        assertEquals(12, last.get("step").asInt());
        assertTrue(last.get("loss").asDouble() > 0 && last.has("lr") && last.has("grad_norm") && last.has("tokens_per_s"));
        assertTrue(Files.isRegularFile(dir.resolve("pre/checkpoint-6/model.safetensors")));
        assertTrue(Files.isRegularFile(dir.resolve("pre/checkpoint-12/optimizer.safetensors")));
        assertTrue(Files.isRegularFile(pretrained.resolve("model.safetensors")));
        assertTrue(Files.size(dir.resolve("pre/loss.png")) > 1000);
    }

    @Test
    void finetuningKeepsLabelsAndTaskInTheConfig() throws Exception {
        JsonNode config = JSON.readTree(finetuned.resolve("config.json").toFile());
        assertEquals("0", config.get("id2label").get("0").asText());
        assertEquals(1, config.get("label2id").get("1").asInt());
        assertEquals("pair", config.get("nezha_task").asText());
        assertEquals("NezhaForSequenceClassification", config.get("architectures").get(0).asText());
        JsonNode devMetrics = JSON.readTree(dir.resolve("fine/dev_metrics.json").toFile());
        assertTrue(devMetrics.has("accuracy") && devMetrics.has("positive_f1") && devMetrics.has("macro_f1"));
    }

    @Test
    void evalPrintsMetricsAsJsonMatchingTheBestDevScore() throws Exception {
        Cli eval = Cli.run("eval", "--model", finetuned.toString(), "--data", dev.toString(), "--seq-len", "64");
        assertEquals(0, eval.exitCode(), eval.toString());
        JsonNode metrics = JSON.readTree(eval.out());
        assertEquals(80, metrics.get("examples").asInt());
        JsonNode best = JSON.readTree(dir.resolve("fine/dev_metrics.json").toFile());
        assertEquals(best.get("accuracy").asDouble(), metrics.get("accuracy").asDouble(), 1e-12);
        for (String key : List.of("macro_precision", "macro_recall", "macro_f1", "positive_precision", "positive_recall",
                "positive_f1", "per_class", "confusion_matrix")) {
            assertTrue(metrics.has(key), key);
        }
    }

    @Test
    void predictWritesOneRowPerInputInOrder() throws Exception {
        Path jsonl = dir.resolve("inputs.jsonl");
        Files.writeString(jsonl, """
                {"id": "q1", "sentence1": "花呗怎么还款", "sentence2": "花呗如何还钱"}
                {"id": "q2", "sentence1": "借呗额度怎么提升", "sentence2": "今天天气很好"}
                {"id": "q,3", "sentence1": "蚂蚁森林", "sentence2": "蚂蚁庄园"}
                """);
        Path csv = dir.resolve("out/predictions.csv");
        Cli predict = Cli.run("predict", "--model", finetuned.toString(), "--input", jsonl.toString(), "--output", csv.toString());
        assertEquals(0, predict.exitCode(), predict.toString());
        List<String> rows = Files.readAllLines(csv);
        assertEquals(List.of("id", "label", "prob_0", "prob_1"), List.of(rows.get(0).split(",")));
        assertEquals(4, rows.size());
        assertTrue(rows.get(1).startsWith("q1,"));
        assertTrue(rows.get(3).startsWith("\"q,3\","), rows.get(3));
        String[] cells = rows.get(2).split(",");
        double sum = Double.parseDouble(cells[2]) + Double.parseDouble(cells[3]);
        assertEquals(1.0, sum, 1e-5);
        assertEquals(Double.parseDouble(cells[3]) > Double.parseDouble(cells[2]) ? "1" : "0", cells[1]);
    }

    @Test
    void predictIgnoresALabelColumn() throws Exception {
        Path csv = dir.resolve("dev-predictions.csv");
        Cli predict = Cli.run("predict", "--model", finetuned.toString(), "--input", dev.toString(), "--output", csv.toString());
        assertEquals(0, predict.exitCode(), predict.toString());
        List<String> rows = Files.readAllLines(csv);
        assertEquals(81, rows.size());
        assertTrue(rows.get(1).startsWith("1,") && rows.get(80).startsWith("80,"), "ids default to example numbers");
    }

    @Test
    void singleSentenceFineTuningFromScratchWithJsonLines() throws Exception {
        Path trainJsonl = dir.resolve("single-train.jsonl"), devJsonl = dir.resolve("single-dev.jsonl");
        StringBuilder t = new StringBuilder(), d = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            String line = i % 2 == 0 ? "{\"text\": \"今天很开心" + i + "\", \"label\": \"pos\"}\n"
                    : "{\"text\": \"今天很难过" + i + "\", \"label\": \"neg\"}\n";
            (i < 30 ? t : d).append(line);
        }
        Files.writeString(trainJsonl, t);
        Files.writeString(devJsonl, d);
        Cli fine = Cli.run("finetune", "--task", "single", "--model-config", Fixtures.tinyConfig(dir).toString(), "--vocab",
                Fixtures.VOCAB.toString(), "--train", trainJsonl.toString(), "--dev", devJsonl.toString(), "--output",
                dir.resolve("single").toString(), "--epochs", "1", "--batch-size", "8", "--seq-len", "32");
        assertEquals(0, fine.exitCode(), fine.toString());
        JsonNode config = JSON.readTree(dir.resolve("single/best/config.json").toFile());
        assertEquals("neg", config.get("id2label").get("0").asText());
        assertEquals("single", config.get("nezha_task").asText());
    }

    @Test
    void everyCommandHasCompleteHelp() {
        for (String command : List.of("quickstart", "pretrain", "finetune", "cv", "eval", "predict", "ensemble")) {
            Cli help = Cli.run(command, "--help");
            assertEquals(0, help.exitCode(), command);
            assertTrue(help.out().contains("Usage: nezha " + command), help.out());
            assertTrue(help.out().contains("--threads"), command + " documents the runtime options");
        }
        Cli pretrain = Cli.run("pretrain", "--help");
        for (String option : List.of("--model-config", "--vocab", "--train", "--output", "--max-steps", "--batch-size",
                "--seq-len", "--lr", "--warmup", "--seed", "--device")) {
            assertTrue(pretrain.out().contains(option), option);
        }
    }

    /**
     * Standard error here is not a terminal: progress is plain lines (no carriage-return redraws), one
     * per phase end at least, and information lines stand on their own.
     */
    @Test
    void progressIntoALogIsPlainLines() {
        for (Cli run : List.of(pretrainRun, finetuneRun)) {
            assertFalse(run.err().contains("\r"), run.err());
            assertTrue(run.err().lines().allMatch(l -> !(l.contains("dev accuracy") && l.contains("finetune "))), run.err());
        }
        assertTrue(pretrainRun.err().lines().anyMatch(l -> l.matches("pretrain 12/12 \\(100%\\) .*, done, loss [0-9.]+")),
                pretrainRun.err());
        assertTrue(finetuneRun.err().lines().anyMatch(l -> l.matches("step [0-9]+: dev accuracy [0-9.]+, macro_f1 .*")),
                finetuneRun.err());
        Cli eval = Cli.run("eval", "--model", finetuned.toString(), "--data", dev.toString());
        assertTrue(eval.err().lines().anyMatch(l -> l.startsWith("eval 80/80 (100%)")), eval.err());
    }

    /** A model directory records the length it was fine-tuned with; eval and predict default to it. */
    @Test
    void evalAndPredictTruncateAsFineTuningDid() throws Exception {
        assertEquals(64, JSON.readTree(finetuned.resolve("tokenizer_config.json").toFile()).get("model_max_length").asInt());
        Path byDefault = dir.resolve("default-length.csv"), explicit = dir.resolve("explicit-length.csv"),
                shorter = dir.resolve("short.csv");
        for (Path csv : List.of(byDefault, explicit, shorter)) {
            List<String> args = new ArrayList<>(List.of("predict", "--model", finetuned.toString(), "--input", dev.toString(),
                    "--output", csv.toString()));
            if (csv != byDefault) args.addAll(List.of("--seq-len", csv == explicit ? "64" : "12"));
            Cli r = Cli.run(args.toArray(String[]::new));
            assertEquals(0, r.exitCode(), r.toString());
        }
        assertEquals(Files.readAllLines(explicit), Files.readAllLines(byDefault));
        assertNotEquals(Files.readAllLines(shorter), Files.readAllLines(byDefault), "the length matters on this data");
    }

    /** Everything a run writes gets the permissions the user's umask gives new files. */
    @Test
    void outputsHonourTheUmask() throws Exception {
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(Files.createFile(dir.resolve("umask-reference")));
        try (Stream<Path> files = Stream.concat(Files.walk(dir.resolve("fine")), Files.walk(dir.resolve("pre")))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertEquals(expected, Files.getPosixFilePermissions(f), f.toString());
            }
        }
    }

    /** The summary of a resumed run reports the whole run's first logged loss, with its step. */
    @Test
    void aResumedRunsSummaryNamesTheSteps() throws Exception {
        Path copy = dir.resolve("pre-resumed");
        try (Stream<Path> files = Files.walk(dir.resolve("pre"))) {
            for (Path f : files.toList()) Files.copy(f, copy.resolve(dir.resolve("pre").relativize(f).toString()));
        }
        Cli resumed = Cli.run("pretrain", "--model-config", Fixtures.tinyConfig(dir).toString(), "--vocab",
                Fixtures.VOCAB.toString(), "--train", Fixtures.CORPUS.toString(), "--output", copy.toString(),
                "--max-steps", "12", "--batch-size", "8", "--seq-len", "64", "--lr", "1e-3", "--warmup", "2",
                "--log-every", "4", "--checkpoint-every", "6", "--threads", "2", "--resume", copy.resolve("checkpoint-6").toString());
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertTrue(resumed.out().lines().anyMatch(l -> l.matches(" *MLM loss +[0-9.]+ \\(step 4\\) -> [0-9.]+ \\(step 12\\)")),
                resumed.out());
    }
}
