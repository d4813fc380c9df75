package org.nezha.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.io.SafeTensors;
import org.nezha.core.tensor.Tensors;

/**
 * {@code nezha launch --nproc-per-node 2 -- CMD --batch-size B} trains like {@code nezha CMD --batch-size 2B}
 * on one process when dropout is off: the same loss at every step and the same final weights, within float32
 * reduction-order noise. The training sets end in a partial global batch split unevenly over the ranks, in
 * some cases leaving rank 1 no example at all, and the runs span epochs, so reshuffling counts too.
 */
class DataParallelEquivalenceTest {
    /**
     * Relative. The runs differ only in the order float32 sums are taken (batch shapes, the all-reduce):
     * measured up to 2e-7, where batches of other examples differ by 6e-5 at the first step already.
     */
    private static final double LOSS_TOLERANCE = 1e-5;
    /** Relative to each tensor's largest weight (at least 1e-3), as the core data-parallel test compares; measured 3e-6. */
    private static final double WEIGHT_TOLERANCE = 1e-5;
    /**
     * Sentence embeddings: the scores pass through a softmax over the whole batch at every row, and the
     * gradients of rarely seen tokens are near 0, where Adam turns rounding into updates. One process is
     * 3.9e-5 from itself on 2 threads instead of 1 (measured); two processes were 1.5e-4 from one.
     */
    private static final double EMBEDDING_WEIGHT_TOLERANCE = 5e-4;

    @TempDir Path dir;

    /** 37 examples in global batches of 16: 16, 16, 5, the 5 split 3 + 2 over the ranks. */
    @Test
    void finetuningOnTwoProcessesIsFinetuningOnOneWithTheGlobalBatch() throws Exception {
        assertFinetuningEquivalent(37, 8, 1, 2);
    }

    /**
     * 33 examples in global batches of 8 (two micro-batches of 4 per rank and update): the last global batch
     * of every epoch is one example, so rank 1 has none and must still take part in the step.
     */
    @Test
    void aRankWithoutExamplesInTheLastGlobalBatchChangesNothing() throws Exception {
        assertFinetuningEquivalent(33, 4, 2, 3);
    }

    /**
     * The competition tricks keep the equivalence: focal loss with class weights sums rows as cross-entropy does,
     * frozen embeddings get zero averaged gradients and no update, the parameter groups' rates are the same on
     * every rank. 33 examples in global batches of 8: rank 1 has none in the last one of every epoch.
     */
    @Test
    void finetuningWithTricksOnTwoProcessesIsFinetuningOnOne() throws Exception {
        Path train = Fixtures.head(Fixtures.AFQMC_TRAIN, 33, dir.resolve("train.tsv"));
        Path dev = Fixtures.head(Fixtures.AFQMC_DEV, 6, dir.resolve("dev.tsv"));
        assertFinetuningEquivalent(List.of("--task", "pair", "--loss", "focal", "--focal-alpha", "0.3", "--class-weights", "balanced",
                "--optimizer", "adam", "--scheduler", "cosine", "--layerwise-lr-decay", "0.8", "--head-lr", "3e-3", "--freeze-embeddings"),
                train, dev, 0, 4, 2, 2, WEIGHT_TOLERANCE);
    }

    /**
     * NER with a CRF: per-token losses (each row's mean over its scored tokens, the CRF's NLL by the forward
     * algorithm) weigh the same on two processes, and the dev evaluation gathers per-token logits from both.
     */
    @Test
    void nerWithACrfOnTwoProcessesIsNerOnOne() throws Exception {
        Path train = TaskEndToEndTest.sentences(Fixtures.DATA.resolve("ner_resume/train.bmes"), 29, dir.resolve("ner-train.bmes"));
        Path dev = TaskEndToEndTest.sentences(Fixtures.DATA.resolve("ner_resume/dev.bmes"), 5, dir.resolve("ner-dev.bmes"));
        List<Double> one = assertFinetuningEquivalent(List.of("--task", "ner", "--crf"), train, dev, 0, 4, 1, 2, WEIGHT_TOLERANCE);
        assertTrue(one.size() >= 8, "two epochs of at least 29 rows in global batches of 8: " + one);
    }

    /**
     * A softmax tagger with focal loss and balanced tag weights: per-token losses, rows' means, weigh the same on two
     * processes. The attention's key biases have a true gradient of 0 (the softmax ignores a constant per query), so
     * Adam turns their rounding noise into steps of ~1e-8: 1.1e-5 of the 1e-3 floor apart (measured), hence 5e-5.
     */
    @Test
    void nerWithFocalLossAndTagWeightsOnTwoProcessesIsNerOnOne() throws Exception {
        Path train = TaskEndToEndTest.sentences(Fixtures.DATA.resolve("ner_resume/train.bmes"), 29, dir.resolve("ner-train.bmes"));
        Path dev = TaskEndToEndTest.sentences(Fixtures.DATA.resolve("ner_resume/dev.bmes"), 5, dir.resolve("ner-dev.bmes"));
        assertFinetuningEquivalent(List.of("--task", "ner", "--loss", "focal", "--class-weights", "balanced"), train, dev, 0, 4, 1, 2,
                5 * WEIGHT_TOLERANCE);
    }

    /**
     * Sentence embeddings with SimCSE: every row's in-batch negatives are the whole global batch's positives,
     * gathered from both processes, so each process's loss is the global batch's and its gradient reaches only
     * its own rows. 33 pairs in global micro-batches of 4: rank 1 has no row in the last one of every epoch.
     */
    @Test
    void embeddingsWithNegativesFromTheGlobalBatchOnTwoProcessesAreEmbeddingsOnOne() throws Exception {
        Path train = Fixtures.head(Fixtures.AFQMC_TRAIN, 33, dir.resolve("pairs.tsv"));
        Path dev = Fixtures.head(Fixtures.AFQMC_DEV, 6, dir.resolve("scored.tsv"));
        List<Double> one = assertFinetuningEquivalent(List.of("--task", "embedding", "--temperature", "1"), train, dev, 0, 4, 2, 2,
                EMBEDDING_WEIGHT_TOLERANCE);
        assertTrue(one.stream().anyMatch(loss -> loss > 0), "some micro-batches hold positive pairs: " + one);
    }

    /**
     * FGM perturbs along each micro-batch's own gradient, under data parallel each process's own (not the
     * all-reduced one), so two processes of one row each train as one process accumulating the same two rows as
     * two micro-batches (rank r takes position r of each global batch of 2, the one process's micro-batch r).
     * The moving average follows the same weights: best/ (the average, evaluated at the end) is the same.
     */
    @Test
    void adversarialTrainingAndMovingAverageOnTwoProcessesAreAccumulatedMicroBatchesOnOne() throws Exception {
        Path train = Fixtures.head(Fixtures.AFQMC_TRAIN, 12, dir.resolve("train.tsv"));
        Path dev = Fixtures.head(Fixtures.AFQMC_DEV, 6, dir.resolve("dev.tsv"));
        List<String> common = commonArgs(List.of("--task", "pair", "--adversarial", "fgm", "--adv-epsilon", "0.5", "--ema", "0.8"),
                train, dev, 2);
        Cli one = Cli.run(args(List.of("finetune"), common, "--output", dir.resolve("one").toString(), "--batch-size", "1",
                "--grad-accum", "2"));
        assertEquals(0, one.exitCode(), one.toString());
        Cli two = Cli.run(args(launch("finetune"), common, "--output", dir.resolve("two").toString(), "--batch-size", "1",
                "--grad-accum", "1"));
        assertEquals(0, two.exitCode(), two.toString());
        assertSameRun(dir.resolve("one"), dir.resolve("two"), "best", 12, WEIGHT_TOLERANCE);
    }

    private void assertFinetuningEquivalent(int examples, int batchPerProcess, int accumulation, int epochs) throws Exception {
        Path train = Fixtures.head(Fixtures.AFQMC_TRAIN, examples, dir.resolve("train.tsv"));
        Path dev = Fixtures.head(Fixtures.AFQMC_DEV, 6, dir.resolve("dev.tsv"));
        int updatesPerEpoch = Math.ceilDiv(examples, 2 * batchPerProcess) / accumulation;
        assertFinetuningEquivalent(List.of("--task", "pair"), train, dev, updatesPerEpoch * epochs, batchPerProcess, accumulation, epochs,
                WEIGHT_TOLERANCE);
    }

    /** {@code steps}: the updates both runs must log (0: as many as the one-process run logs); returns its losses. */
    private List<Double> assertFinetuningEquivalent(List<String> task, Path train, Path dev, int steps, int batchPerProcess, int accumulation,
            int epochs, double weightTolerance) throws Exception {
        List<String> common = commonArgs(task, train, dev, epochs);
        String accumulate = Integer.toString(accumulation);
        Cli one = Cli.run(args(List.of("finetune"), common, "--output", dir.resolve("one").toString(),
                "--batch-size", Integer.toString(2 * batchPerProcess), "--grad-accum", accumulate));
        assertEquals(0, one.exitCode(), one.toString());
        Cli two = Cli.run(args(launch("finetune"), common, "--output", dir.resolve("two").toString(),
                "--batch-size", Integer.toString(batchPerProcess), "--grad-accum", accumulate));
        assertEquals(0, two.exitCode(), two.toString());

        assertSameRun(dir.resolve("one"), dir.resolve("two"), "best", steps > 0 ? steps : losses(dir.resolve("one")).size(), weightTolerance);
        return losses(dir.resolve("one"));
    }

    /** The options both runs share: dropout off, evaluated once at the end (best/ is the final model). */
    private List<String> commonArgs(List<String> task, Path train, Path dev, int epochs) throws IOException {
        Path config = withoutDropout(Fixtures.tinyConfig(dir));
        return Stream.concat(task.stream(), Stream.of("--model-config", config.toString(), "--vocab", Fixtures.VOCAB.toString(),
                "--train", train.toString(), "--dev", dev.toString(), "--epochs", Integer.toString(epochs), "--seq-len", "32",
                "--lr", "1e-3", "--log-every", "1",
                "--eval-every", "1000", // evaluated once, at the end: best/ is the final model
                // Adam's default ε 1e-8 magnifies float rounding in gradients that are 0 in exact arithmetic (the
                // attention's key bias) into updates: 2e-4 apart then, as far as 1 process is from itself on 2 threads
                "--epsilon", "1e-6", "--threads", "1")).toList();
    }

    /**
     * 25 packed sequences in global batches of 4: the seventh holds one, so rank 1 trains on a stand-in then;
     * 11 steps reach the second epoch. Every sequence is masked the same (n-gram masking) on whichever rank
     * draws it, each rank's masked-LM loss is normalised by the global batch's masked tokens and its
     * next-sentence loss by the global batch's rows.
     */
    @Test
    void pretrainingOnTwoProcessesIsPretrainingOnOneWithTheGlobalBatch() throws Exception {
        Path corpus = dir.resolve("corpus.txt");
        Files.write(corpus, Files.readAllLines(Fixtures.CORPUS).subList(0, 14));
        List<String> common = List.of("--model-config", withoutDropout(Fixtures.tinyConfig(dir)).toString(),
                "--vocab", Fixtures.VOCAB.toString(), "--train", corpus.toString(), "--max-steps", "11", "--seq-len", "32",
                "--lr", "1e-3", "--warmup", "1", "--log-every", "1", "--threads", "1", "--masking", "ngram", "--nsp");

        Cli one = Cli.run(args(List.of("pretrain"), common, "--output", dir.resolve("one").toString(), "--batch-size", "4"));
        assertEquals(0, one.exitCode(), one.toString());
        assertTrue(one.out().contains("MLM+NSP loss "), one.toString());
        assertTrue(one.err().contains("25 sequences of up to 32 tokens (ngram masking, next-sentence prediction), 7 batches per epoch"), one.toString());
        Cli two = Cli.run(args(launch("pretrain"), common, "--output", dir.resolve("two").toString(), "--batch-size", "2"));
        assertEquals(0, two.exitCode(), two.toString());
        assertTrue(two.err().contains("[rank 0] 25 sequences of up to 32 tokens (ngram masking, next-sentence prediction), 7 batches per epoch"), two.toString());

        assertSameRun(dir.resolve("one"), dir.resolve("two"), "model", 11, WEIGHT_TOLERANCE);
    }

    private static List<String> launch(String command) throws IOException {
        return List.of("launch", "--nproc-per-node", "2", "--master-port", Integer.toString(LaunchTest.freePort()), "--", command);
    }

    private static String[] args(List<String> command, List<String> common, String... more) {
        return Stream.of(command, common, List.of(more)).flatMap(List::stream).toArray(String[]::new);
    }

    private static void assertSameRun(Path one, Path two, String modelDir, int steps, double weightTolerance) throws IOException {
        List<Double> expected = losses(one), actual = losses(two);
        assertEquals(steps, expected.size(), "updates logged");
        assertEquals(expected.size(), actual.size(), "updates logged");
        double worst = 0;
        for (int i = 0; i < expected.size(); i++) {
            double relative = Math.abs(actual.get(i) - expected.get(i)) / Math.abs(expected.get(i));
            worst = Math.max(worst, relative);
            assertTrue(relative <= LOSS_TOLERANCE, "step " + (i + 1) + ": loss " + actual.get(i) + " on 2 processes, "
                    + expected.get(i) + " on 1 (all: " + actual + " vs " + expected + ")");
        }
        double worstWeight = assertSameWeights(one.resolve(modelDir + "/model.safetensors"),
                two.resolve(modelDir + "/model.safetensors"), weightTolerance);
        System.out.printf("2 processes vs 1, %d steps: losses %.1e apart at most (relative), weights %.1e%n",
                steps, worst, worstWeight);
    }

    private static List<Double> losses(Path run) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Double> losses = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode record = json.readTree(line);
            if (record.has("loss")) losses.add(record.get("loss").asDouble());
        }
        return losses;
    }

    /** Returns the largest difference relative to its tensor's scale. */
    private static double assertSameWeights(Path expectedFile, Path actualFile, double tolerance) {
        Map<String, Tensor> expected = SafeTensors.read(expectedFile), actual = SafeTensors.read(actualFile);
        assertEquals(expected.keySet(), actual.keySet());
        double worst = 0;
        for (String name : expected.keySet()) {
            float[] e = Tensors.toFloats(expected.get(name)), a = Tensors.toFloats(actual.get(name));
            double scale = 1e-3;
            for (float v : e) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < e.length; i++) {
                double relative = Math.abs(e[i] - a[i]) / scale;
                worst = Math.max(worst, relative);
                assertTrue(relative <= tolerance, name + "[" + i + "]: " + a[i] + " on 2 processes, " + e[i] + " on 1");
            }
        }
        return worst;
    }

    /** A copy of {@code config} with dropout off, so that runs differ only by how they split the data. */
    private static Path withoutDropout(Path config) throws IOException {
        ObjectNode json = (ObjectNode) new ObjectMapper().readTree(config.toFile());
        json.put("hidden_dropout_prob", 0.0).put("attention_probs_dropout_prob", 0.0);
        Path file = config.resolveSibling("no-dropout-" + config.getFileName());
        Files.writeString(file, json.toString());
        return file;
    }
}
