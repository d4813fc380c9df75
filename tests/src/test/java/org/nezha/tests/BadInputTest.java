package org.nezha.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each bad input ends in exit code 2, one "nezha: error:" line naming the file (and line) and the
 * problem, and no output left behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    @TempDir static Path dir;
    Path config, classifier, dev;

    @BeforeAll
    void trainASmallClassifier() throws Exception {
        config = Fixtures.tinyConfig(dir);
        dev = Fixtures.head(Fixtures.AFQMC_DEV, 40, dir.resolve("dev.tsv"));
        Cli fine = Cli.run("finetune", "--task", "pair", "--model-config", config.toString(), "--vocab",
                Fixtures.VOCAB.toString(), "--train", Fixtures.head(Fixtures.AFQMC_TRAIN, 60, dir.resolve("train.tsv")).toString(),
                "--dev", dev.toString(), "--output", dir.resolve("clf").toString(), "--epochs", "1", "--batch-size", "16",
                "--seq-len", "48");
        assertEquals(0, fine.exitCode(), fine.toString());
        classifier = dir.resolve("clf/best");
    }

    static void assertBadInput(Cli cli, String... fragments) {
        assertEquals(2, cli.exitCode(), cli.toString());
        String line = cli.errorLine();
        assertTrue(line.startsWith("nezha: error: "), cli.toString());
        for (String fragment : fragments) assertTrue(line.contains(fragment), "'" + fragment + "' not in: " + line);
        assertEquals(1, cli.err().lines().filter(l -> l.startsWith("nezha: ")).count(), cli.toString());
    }

    Cli pretrain(Path modelConfig, Path corpus, Path output, String... extra) {
        List<String> args = new ArrayList<>(List.of("pretrain", "--model-config", modelConfig.toString(), "--vocab",
                Fixtures.VOCAB.toString(), "--train", corpus.toString(), "--output", output.toString(), "--max-steps", "2",
                "--batch-size", "4"));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void missingCorpusFile() {
        Path out = dir.resolve("out-missing");
        assertBadInput(pretrain(config, dir.resolve("no-such-corpus.txt"), out), "no-such-corpus.txt", "not found");
        assertTrue(Files.notExists(out));
    }

    @Test
    void emptyCorpus() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.txt"), "\n\n  \n");
        Path out = dir.resolve("out-empty");
        assertBadInput(pretrain(config, empty, out), "empty.txt", "no text");
        assertTrue(Files.notExists(out));
    }

    @Test
    void vocabularyLargerThanTheConfig() throws Exception {
        Path out = dir.resolve("out-vocab");
        assertBadInput(pretrain(Fixtures.tinyConfig(dir, 1000, "relative_functional"), Fixtures.CORPUS, out),
                "vocab.txt", "21128 tokens", "vocab_size 1000");
        assertTrue(Files.notExists(out));
    }

    @Test
    void sequenceLengthTheModelCannotTake() {
        Path out = dir.resolve("out-len");
        assertBadInput(pretrain(config, Fixtures.CORPUS, out, "--seq-len", "200"), "--seq-len 200", "at most 128",
                "max_position_embeddings");
        assertTrue(Files.notExists(out));
        assertBadInput(Cli.run("eval", "--model", classifier.toString(), "--data", dev.toString(), "--seq-len", "4096"),
                "--seq-len 4096");
    }

    @Test
    void malformedConfig() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"vocab_size\": 21128,\n \"hidden_size\": }");
        assertBadInput(pretrain(broken, Fixtures.CORPUS, dir.resolve("out-broken")), "broken.json:2", "not valid JSON");
    }

    @Test
    void malformedTrainingLine() throws Exception {
        Path bad = dir.resolve("bad-train.tsv");
        List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve("train.tsv")));
        lines.set(7, "只有一列没有标签");
        Files.write(bad, lines);
        Path out = dir.resolve("out-bad-line");
        assertBadInput(Cli.run("finetune", "--task", "pair", "--init", classifier.toString(), "--train", bad.toString(),
                "--dev", dev.toString(), "--output", out.toString()), "bad-train.tsv:8:");
        assertTrue(Files.notExists(out));
    }

    @Test
    void unknownLabelAtEval() throws Exception {
        Path bad = dir.resolve("bad-dev.tsv");
        List<String> lines = new ArrayList<>(Files.readAllLines(dev));
        lines.set(3, lines.get(3).replaceAll("\t[01]$", "\tmaybe"));
        Files.write(bad, lines);
        Cli eval = Cli.run("eval", "--model", classifier.toString(), "--data", bad.toString());
        assertBadInput(eval, "bad-dev.tsv:4:", "unknown label 'maybe'");
        assertEquals("", eval.out());
    }

    @Test
    void evalOfAModelThatIsNotAClassifier() throws Exception {
        Path notModel = Files.createDirectories(dir.resolve("not-a-model"));
        assertBadInput(Cli.run("eval", "--model", notModel.toString(), "--data", dev.toString()), "not-a-model",
                "not a model directory");
    }

    @Test
    void predictLeavesNoPartialOutput() throws Exception {
        Path bad = dir.resolve("bad-input.jsonl");
        Files.writeString(bad, "{\"sentence1\": \"花呗\", \"sentence2\": \"借呗\"}\n{not json\n");
        Path csv = dir.resolve("predictions.csv");
        assertBadInput(Cli.run("predict", "--model", classifier.toString(), "--input", bad.toString(), "--output",
                csv.toString()), "bad-input.jsonl:2:");
        assertTrue(Files.notExists(csv));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains("predictions.csv")));
        }
    }

    @Test
    void outputDirectoryOfAnEarlierRunIsNotMixedInto() {
        assertBadInput(Cli.run("finetune", "--task", "pair", "--init", classifier.toString(), "--train",
                dir.resolve("train.tsv").toString(), "--dev", dev.toString(), "--output", dir.resolve("clf").toString()),
                "clf", "not empty", "--overwrite");
    }

    @Test
    void unusableCommandLinesGetOneLineToo() {
        assertBadInput(Cli.run("pretrain", "--vocab", "v.txt"), "Missing required option", "nezha pretrain --help");
        assertBadInput(Cli.run("eval", "--model", "m", "--data", "d", "--batch-size", "many"), "--batch-size");
    }

    @Test
    void badOptionValues() {
        assertBadInput(Cli.run("finetune", "--task", "triple", "--init", classifier.toString(), "--train", dev.toString(),
                "--dev", dev.toString(), "--output", dir.resolve("x").toString()), "--task triple", "pair, single");
        assertBadInput(pretrain(config, Fixtures.CORPUS, dir.resolve("out-device"), "--device", "tpu"), "--device tpu");
    }
}
