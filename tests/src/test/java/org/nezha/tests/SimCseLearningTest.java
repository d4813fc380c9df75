package org.nezha.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unsupervised SimCSE teaches a tiny model something STS-B measures: after 40 steps on STS-B's training
 * sentences (no scores, dropout as the only augmentation), its dev Spearman beats the same model untrained.
 * Measured: 0.611 untrained, 0.642 after 40 steps (mean pooling, from scratch, 2,560 sentences in batches of 64).
 */
class SimCseLearningTest {
    @TempDir Path dir;

    @Test
    void simcseBeatsItsUntrainedSelfOnStsBDev() throws Exception {
        Set<String> sentences = new LinkedHashSet<>();
        for (String line : Files.readAllLines(Fixtures.DATA.resolve("sts_b_zh/train.txt"))) {
            String[] fields = line.split("\\|\\|");
            sentences.add(fields[1].replace('\t', ' '));
            sentences.add(fields[2].replace('\t', ' '));
        }
        Path texts = Files.write(dir.resolve("sentences.tsv"), List.copyOf(sentences).subList(0, 2560));
        double untrained = devSpearman(texts, "untrained", "--max-steps", "1", "--lr", "1e-9");
        double trained = devSpearman(texts, "simcse", "--max-steps", "40", "--lr", "1e-3");
        System.out.printf("STS-B dev Spearman: untrained %.4f, SimCSE 40 steps %.4f%n", untrained, trained);
        assertTrue(trained > untrained + 0.01, "SimCSE " + trained + " vs untrained " + untrained);
    }

    private double devSpearman(Path train, String name, String... schedule) throws Exception {
        List<String> args = new ArrayList<>(List.of("finetune", "--task", "embedding", "--model-config",
                Fixtures.DATA.resolve("configs/nezha-tiny.json").toString(), "--vocab", Fixtures.VOCAB.toString(), "--train", train.toString(),
                "--dev", Fixtures.DATA.resolve("sts_b_zh/dev.txt").toString(), "--output", dir.resolve(name).toString(), "--batch-size", "64",
                "--seq-len", "32", "--threads", "2"));
        args.addAll(List.of(schedule));
        Cli run = Cli.run(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        return new ObjectMapper().readTree(dir.resolve(name).resolve("dev_metrics.json").toFile()).get("spearman").asDouble();
    }
}
