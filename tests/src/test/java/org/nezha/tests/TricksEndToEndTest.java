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

    private static Cli finetune(Path config, Path train, Path dev, Path out, List<String> extra) {
        List<String> args = new ArrayList<>(List.of("finetune", "--task", "pair", "--model-config", config.toString(), "--vocab",
                Fixtures.VOCAB.toString(), "--train", train.toString(), "--dev", dev.toString(), "--output", out.toString(),
                "--max-steps", "6", "--checkpoint-every", "3", "--keep-checkpoints", "0", "--batch-size", "16", "--seq-len", "48",
                "--lr", "1e-4", "--threads", "2"));
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
