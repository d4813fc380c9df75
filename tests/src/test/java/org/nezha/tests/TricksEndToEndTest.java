package org.nezha.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pair model fine-tuned through the CLI with the competition tricks together (focal loss, balanced class
 * weights, Adam, cosine schedule, layer-wise decay, a head rate, frozen embeddings): the run's settings are
 * saved, a checkpoint resumes to the same weights as the run that never stopped, and one that differs in a
 * trick or names an unknown one is refused in one line.
 */
class TricksEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TRICKS = List.of("--loss", "focal", "--class-weights", "balanced", "--optimizer", "adam",
            "--scheduler", "cosine", "--layerwise-lr-decay", "0.9", "--head-lr", "1e-3", "--freeze-embeddings");

    @Test
    void competitionTricksSaveTheirSettingsAndResume(@TempDir Path dir) throws Exception {
        Path train = Fixtures.head(Fixtures.AFQMC_TRAIN, 160, dir.resolve("train.tsv"));
        Path dev = Fixtures.head(Fixtures.AFQMC_DEV, 40, dir.resolve("dev.tsv"));
        Path config = Fixtures.tinyConfig(dir);
        Path out = dir.resolve("run");
        Cli straight = finetune(config, train, dev, out, TRICKS);
        assertEquals(0, straight.exitCode(), straight.toString());

        JsonNode args = JSON.readTree(out.resolve("training_args.json").toFile());
        assertEquals("pair", args.get("task").asText());
        assertEquals("adam", args.get("optimizer").asText());
        JsonNode tricks = args.get("tricks");
        assertEquals("focal", tricks.get("loss").asText());
        assertEquals(2.0, tricks.get("focal_gamma").asDouble());
        assertEquals(List.of("0", "1"), fieldNames(tricks.get("class_weights")));
        assertEquals("cosine", tricks.get("scheduler").asText());
        assertEquals(0.9, tricks.get("layerwise_lr_decay").asDouble());
        assertEquals(1e-3, tricks.get("head_lr").asDouble());
        assertTrue(tricks.get("freeze_embeddings").asBoolean());
        assertEquals(args, JSON.readTree(out.resolve("checkpoint-3/training_args.json").toFile()));

        // a run stopped after checkpoint-3 continues to the same weights
        Path stopped = dir.resolve("stopped");
        copyTree(out, stopped);
        deleteTree(stopped.resolve("checkpoint-6"));
        List<String> resume = new ArrayList<>(TRICKS);
        resume.addAll(List.of("--resume", stopped.resolve("checkpoint-3").toString()));
        Cli resumed = finetune(config, train, dev, stopped, resume);
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertEquals(-1L, Files.mismatch(out.resolve("checkpoint-6/model.safetensors"), stopped.resolve("checkpoint-6/model.safetensors")));

        List<String> otherLoss = new ArrayList<>(resume);
        otherLoss.set(1, "dice");
        Cli refused = finetune(config, train, dev, stopped, otherLoss);
        assertEquals(2, refused.exitCode(), refused.toString());
        assertTrue(refused.errorLine().contains("was trained with other tricks (--loss: focal in the checkpoint, dice in this run; "
                + "--focal-gamma: 2.0 in the checkpoint, null in this run)"), refused.errorLine());
    }

    @Test
    void unknownNamesAreOneLineErrorsWithTheChoices(@TempDir Path dir) throws Exception {
        Path train = Fixtures.head(Fixtures.AFQMC_TRAIN, 20, dir.resolve("train.tsv"));
        Path config = Fixtures.tinyConfig(dir);
        String[][] cases = {
            {"--loss", "hinge", "nezha: error: --loss hinge: choose one of ce, focal, dice, label-smoothing"},
            {"--optimizer", "sgd", "nezha: error: --optimizer sgd: choose one of adamw, adam, adagrad, lamb"},
            {"--scheduler", "step", "nezha: error: --scheduler step: choose one of linear, cosine, constant, poly"},
        };
        for (String[] c : cases) {
            Path out = dir.resolve("out-" + c[1]);
            Cli run = finetune(config, train, train, out, List.of(c[0], c[1]));
            assertEquals(2, run.exitCode(), run.toString());
            assertEquals(c[2], run.errorLine());
            assertFalse(Files.exists(out), "nothing written");
        }
    }

    /** FGM and the weights' moving average resume to the same raw weights and average as the run that never stopped. */
    @Test
    void adversarialTrainingAndMovingAverageResume(@TempDir Path dir) throws Exception {
        Path train = Fixtures.head(Fixtures.AFQMC_TRAIN, 160, dir.resolve("train.tsv"));
        Path dev = Fixtures.head(Fixtures.AFQMC_DEV, 40, dir.resolve("dev.tsv"));
        Path config = Fixtures.tinyConfig(dir);
        Path out = dir.resolve("run");
        List<String> wrappers = List.of("--adversarial", "fgm", "--adv-epsilon", "0.5", "--ema", "0.9");
        Cli straight = finetune(config, train, dev, out, wrappers);
        assertEquals(0, straight.exitCode(), straight.toString());
        JsonNode tricks = JSON.readTree(out.resolve("training_args.json").toFile()).get("tricks");
        assertEquals("fgm", tricks.get("adversarial").asText());
        assertEquals(0.5, tricks.get("adv_epsilon").asDouble());
        assertTrue(tricks.get("pgd_steps").isNull());
        assertEquals(0.9, tricks.get("ema").asDouble());
        assertFiniteLosses(out);

        Path stopped = dir.resolve("stopped");
        copyTree(out, stopped);
        deleteTree(stopped.resolve("checkpoint-6"));
        List<String> resume = new ArrayList<>(wrappers);
        resume.addAll(List.of("--resume", stopped.resolve("checkpoint-3").toString()));
        Cli resumed = finetune(config, train, dev, stopped, resume);
        assertEquals(0, resumed.exitCode(), resumed.toString());
        for (String file : List.of("model.safetensors", "ema.safetensors")) {
            assertEquals(-1L, Files.mismatch(out.resolve("checkpoint-6").resolve(file), stopped.resolve("checkpoint-6").resolve(file)), file);
        }
        assertEquals(-1L, Files.mismatch(out.resolve("best/model.safetensors"), stopped.resolve("best/model.safetensors")));

        Cli withoutEma = finetune(config, train, dev, stopped, withoutOption(resume, "--ema"));
        assertEquals(2, withoutEma.exitCode(), withoutEma.toString());
        assertTrue(withoutEma.errorLine().contains("--ema: 0.9 in the checkpoint, null in this run"), withoutEma.errorLine());
    }

    @Test
    void pgdRunsWithAFiniteLoss(@TempDir Path dir) throws Exception {
        Path train = Fixtures.head(Fixtures.AFQMC_TRAIN, 64, dir.resolve("train.tsv"));
        Path out = dir.resolve("run");
        Cli run = finetune(Fixtures.tinyConfig(dir), train, train, out,
                List.of("--adversarial", "pgd", "--pgd-steps", "2", "--pgd-alpha", "0.4"));
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode tricks = JSON.readTree(out.resolve("training_args.json").toFile()).get("tricks");
        assertEquals(2, tricks.get("pgd_steps").asInt());
        assertEquals(0.4, tricks.get("pgd_alpha").asDouble());
        assertEquals(1.0, tricks.get("adv_epsilon").asDouble());
        assertFiniteLosses(out);
    }

    /** Without dropout, R-Drop with α = 0 is the plain loss (both passes alike); several dropout samples train too. */
    @Test
    void rdropWithoutDropoutIsThePlainLossAndSamplesTrain(@TempDir Path dir) throws Exception {
        Path train = Fixtures.head(Fixtures.AFQMC_TRAIN, 64, dir.resolve("train.tsv"));
        Path config = dir.resolve("no-dropout.json");
        Files.writeString(config, Files.readString(Fixtures.tinyConfig(dir)).replace("0.1", "0.0"));
        List<String> everyStep = List.of("--log-every", "1");
        Cli plain = finetune(config, train, train, dir.resolve("plain"), everyStep);
        assertEquals(0, plain.exitCode(), plain.toString());
        Cli rdrop = finetune(config, train, train, dir.resolve("rdrop"), List.of("--log-every", "1", "--rdrop", "0"));
        assertEquals(0, rdrop.exitCode(), rdrop.toString());
        List<Double> expected = losses(dir.resolve("plain")), got = losses(dir.resolve("rdrop"));
        assertEquals(6, got.size());
        for (int i = 0; i < got.size(); i++) assertEquals(expected.get(i), got.get(i), 1e-4 * expected.get(i), "step " + (i + 1));

        Path samples = dir.resolve("samples");
        Cli msd = finetune(Fixtures.tinyConfig(dir), train, train, samples, List.of("--multi-sample-dropout", "4"));
        assertEquals(0, msd.exitCode(), msd.toString());
        assertEquals(4, JSON.readTree(samples.resolve("training_args.json").toFile()).get("tricks").get("multi_sample_dropout").asInt());
        assertFiniteLosses(samples);
    }

    /**
     * A tagger takes focal loss with balanced weights per tag (counted over scored tokens, so the frequent O weighs
     * least), a span extractor label smoothing over positions; a CRF tagger refuses a per-token loss.
     */
    @Test
    void taggersAndSpanExtractorsTakeTheLosses(@TempDir Path dir) throws Exception {
        Path nerTrain = TaskEndToEndTest.sentences(Fixtures.DATA.resolve("ner_resume/train.bmes"), 40, dir.resolve("ner.bmes"));
        Path config = Fixtures.tinyConfig(dir);
        Path ner = dir.resolve("ner");
        Cli tagger = finetune(config, nerTrain, nerTrain, ner, List.of("--task", "ner", "--loss", "focal", "--class-weights", "balanced"));
        assertEquals(0, tagger.exitCode(), tagger.toString());
        assertFiniteLosses(ner);
        JsonNode weights = JSON.readTree(ner.resolve("training_args.json").toFile()).get("tricks").get("class_weights");
        assertEquals(JSON.readTree(ner.resolve("best/config.json").toFile()).get("label2id").size(), weights.size());
        double outside = weights.get("O").asDouble();
        assertTrue(outside < 1, "O is the most frequent tag: " + weights);
        weights.fields().forEachRemaining(e -> assertTrue(e.getKey().equals("O") || e.getValue().asDouble() > outside, weights.toString()));

        Path spanTrain = TaskEndToEndTest.articles(Fixtures.DATA.resolve("cmrc2018/train.json"), 3, dir.resolve("span.json"));
        Path span = dir.resolve("span");
        Cli reader = finetune(config, spanTrain, spanTrain, span, List.of("--task", "span", "--seq-len", "112", "--doc-stride", "32",
                "--max-query-length", "24", "--loss", "label-smoothing"));
        assertEquals(0, reader.exitCode(), reader.toString());
        assertFiniteLosses(span);
        assertEquals(0.1, JSON.readTree(span.resolve("training_args.json").toFile()).get("tricks").get("label_smoothing").asDouble());

        Path refused = dir.resolve("crf");
        Cli crf = finetune(config, nerTrain, nerTrain, refused, List.of("--task", "ner", "--crf", "--loss", "dice"));
        assertEquals(2, crf.exitCode(), crf.toString());
        assertEquals("nezha: error: --loss dice: with --crf the tagger trains by its tag chain's likelihood, not a per-token softmax; "
                + "leave out one of them", crf.errorLine());
        assertFalse(Files.exists(refused), "nothing written");
    }

    /** Sentence embeddings (in-batch loss, one process) train with FGM; they have no distributions for R-Drop, no output layer for samples. */
    @Test
    void sentenceEmbeddingsTakeFgmButNotRdrop(@TempDir Path dir) throws Exception {
        Path pairs = Fixtures.head(Fixtures.AFQMC_TRAIN, 32, dir.resolve("pairs.tsv"));
        Path out = dir.resolve("fgm");
        Cli fgm = finetune(Fixtures.tinyConfig(dir), pairs, pairs, out, List.of("--task", "embedding", "--adversarial", "fgm"));
        assertEquals(0, fgm.exitCode(), fgm.toString());
        assertFiniteLosses(out);
        Path refused = dir.resolve("rdrop");
        Cli rdrop = finetune(Fixtures.tinyConfig(dir), pairs, pairs, refused, List.of("--task", "embedding", "--rdrop", "1"));
        assertEquals(2, rdrop.exitCode(), rdrop.toString());
        assertEquals("nezha: error: --rdrop: embedding's head predicts no distributions to compare", rdrop.errorLine());
        assertFalse(Files.exists(refused), "nothing written");
        Cli samples = finetune(Fixtures.tinyConfig(dir), pairs, pairs, refused, List.of("--task", "embedding", "--multi-sample-dropout", "2"));
        assertEquals(2, samples.exitCode(), samples.toString());
        assertEquals("nezha: error: --multi-sample-dropout: embedding's head has no output layer to draw dropout masks before",
                samples.errorLine());
        assertFalse(Files.exists(refused), "nothing written");
    }

    @Test
    void helpDocumentsTheWrappers() {
        Cli help = Cli.run("finetune", "--help");
        assertEquals(0, help.exitCode(), help.toString());
        for (String option : List.of("--adversarial=fgm|pgd", "--adv-epsilon=E", "--pgd-steps=K", "--pgd-alpha=A", "--ema=D",
                "--multi-sample-dropout=N", "--rdrop=ALPHA")) {
            assertTrue(help.out().contains(option), option);
        }
    }

    @Test
    void wrapperOptionsAreCheckedBeforeAnythingIsWritten(@TempDir Path dir) throws Exception {
        Path train = Fixtures.head(Fixtures.AFQMC_TRAIN, 20, dir.resolve("train.tsv"));
        Path config = Fixtures.tinyConfig(dir);
        List<List<String>> options = List.of(
                List.of("--adversarial", "awp"), List.of("--pgd-steps", "2"), List.of("--adversarial", "fgm", "--pgd-alpha", "0.1"),
                List.of("--adv-epsilon", "1"), List.of("--adversarial", "pgd", "--pgd-steps", "0"),
                List.of("--adversarial", "fgm", "--freeze-embeddings"), List.of("--ema", "1"), List.of("--multi-sample-dropout", "0"),
                List.of("--rdrop", "-1"), List.of("--rdrop", "1", "--multi-sample-dropout", "2"));
        List<String> errors = List.of("--adversarial awp: choose one of fgm, pgd", "--pgd-steps applies only with --adversarial pgd",
                "--pgd-alpha applies only with --adversarial pgd", "--adv-epsilon applies only with --adversarial",
                "--pgd-steps must be at least 1, got 0",
                "--adversarial perturbs the word embeddings along their gradient: not with --freeze-embeddings",
                "--ema must be in (0, 1), got 1.0", "--multi-sample-dropout must be at least 1, got 0",
                "--rdrop must be a number >= 0, got -1.0", "--rdrop and --multi-sample-dropout: choose one");
        for (int i = 0; i < options.size(); i++) {
            Path out = dir.resolve("out-" + i);
            Cli run = finetune(config, train, train, out, options.get(i));
            assertEquals(2, run.exitCode(), run.toString());
            assertEquals("nezha: error: " + errors.get(i), run.errorLine());
            assertFalse(Files.exists(out), "nothing written");
        }
    }

    private static void assertFiniteLosses(Path run) throws Exception {
        List<Double> losses = losses(run);
        assertFalse(losses.isEmpty(), "logged a loss");
        assertTrue(losses.stream().allMatch(Double::isFinite), losses.toString());
    }

    /** The logged losses in order (NaN where one was logged as null). */
    private static List<Double> losses(Path run) throws Exception {
        List<Double> losses = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode record = JSON.readTree(line);
            if (record.has("loss")) losses.add(record.get("loss").isNumber() ? record.get("loss").asDouble() : Double.NaN);
        }
        return losses;
    }

    private static List<String> withoutOption(List<String> args, String option) {
        List<String> kept = new ArrayList<>(args);
        int at = kept.indexOf(option);
        kept.subList(at, at + 2).clear();
        return kept;
    }

    private static Cli finetune(Path config, Path train, Path dev, Path out, List<String> extra) {
        List<String> args = new ArrayList<>(List.of("finetune", "--model-config", config.toString(), "--vocab",
                Fixtures.VOCAB.toString(), "--train", train.toString(), "--dev", dev.toString(), "--output", out.toString(),
                "--max-steps", "6", "--checkpoint-every", "3", "--keep-checkpoints", "0", "--batch-size", "16",
                "--lr", "1e-4", "--threads", "2"));
        if (!extra.contains("--task")) args.addAll(List.of("--task", "pair"));
        if (!extra.contains("--seq-len")) args.addAll(List.of("--seq-len", "48"));
        args.addAll(extra);
        return Cli.run(args.toArray(String[]::new));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
