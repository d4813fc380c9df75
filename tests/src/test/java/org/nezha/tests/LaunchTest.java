package org.nezha.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nezha launch}: its own bad options, and children (real nezha JVMs) whose output comes back prefixed. */
class LaunchTest {
    @TempDir Path dir;

    @Test
    void badOptionsEndInOneLine() {
        BadInputTest.assertBadInput(Cli.run("launch", "--nproc-per-node", "0", "--", "eval"), "--nproc-per-node", "at least 1");
        BadInputTest.assertBadInput(Cli.run("launch", "--nproc-per-node", "2", "--nnodes", "2", "--node-rank", "2",
                "--master-addr", "10.0.0.1", "--", "eval"), "--node-rank 2", "--nnodes 2");
        BadInputTest.assertBadInput(Cli.run("launch", "--nproc-per-node", "2", "--master-port", "70000", "--", "eval"),
                "--master-port 70000");
        BadInputTest.assertBadInput(Cli.run("launch", "--nproc-per-node", "2", "--nnodes", "2", "--", "eval"), "--master-addr");
        BadInputTest.assertBadInput(Cli.run("launch", "--nproc-per-node", "2"), "COMMAND");
    }

    @Test
    void failingChildrenFailTheLaunchWithTheirExitCode() {
        Cli r = Cli.run("launch", "--nproc-per-node", "2", "--", "eval", "--model", dir.resolve("no-model").toString(),
                "--data", dir.resolve("no-data.tsv").toString());
        assertEquals(2, r.exitCode(), r.toString());
        List<String> errors = r.err().lines().filter(l -> l.contains("nezha: error:")).toList();
        assertTrue(!errors.isEmpty() && errors.stream().allMatch(l -> l.matches("\\[rank [01]] nezha: error: .*no-model.*")),
                r.toString());
        String summary = r.err().lines().filter(l -> l.startsWith("launch: ")).findFirst().orElse("");
        assertTrue(summary.matches("launch: rank [01] exited with code 2.*"), r.toString());
        // The first to fail printed its error before exiting (the other may have been stopped before it could).
        String failedRank = summary.substring("launch: ".length(), "launch: rank 0".length());
        assertTrue(errors.stream().anyMatch(l -> l.startsWith("[" + failedRank + "]")), r.toString());
    }

    @Test
    void workingChildrenShareTheTerminalWithPrefixes() {
        Cli r = Cli.run("launch", "--nproc-per-node", "2", "--", "bench", "attention", "--seq", "8", "--batch", "1",
                "--heads", "1", "--head-dim", "8", "--repeats", "1", "--warmup", "0", "--backend", "eager");
        assertEquals(0, r.exitCode(), r.toString());
        for (int rank = 0; rank < 2; rank++) {
            String prefix = "[rank " + rank + "] eager";
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(prefix)), r.toString());
        }
        assertTrue(r.out().lines().allMatch(l -> l.matches("\\[rank [01]] .*")), r.out());
        assertEquals("launch: 2 processes finished, all exit 0", r.err().lines().toList().getLast(), r.toString());
    }

    @Test
    void optionsAfterTheCommandBelongToIt() {
        Cli r = Cli.run("launch", "--nproc-per-node", "1", "eval", "--help");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("[rank 0] Usage: nezha eval"), r.toString());
    }

    /** Two Gloo ranks on this machine pretrain together; rank 0 alone writes the model, metrics and summary. */
    @Test
    void dataParallelPretrainingWritesOnlyFromRankZero() throws Exception {
        Path out = dir.resolve("pre");
        Cli r = Cli.run(pretrain(out, 4));
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(java.nio.file.Files.isRegularFile(out.resolve("model/model.safetensors")), r.toString());
        assertEquals(2, java.nio.file.Files.readAllLines(out.resolve("metrics.jsonl")).size());
        List<String> summaries = r.out().lines().filter(l -> l.contains("pretraining done")).toList();
        assertEquals(1, summaries.size(), r.toString());
        assertTrue(summaries.getFirst().startsWith("[rank 0] "), r.toString());
    }

    /**
     * 33 examples in global batches of 32 leave rank 1 no example in the last one; it still runs every
     * step, so the run completes. The dev set (11 and 10 examples) is scored by both ranks, and put back
     * together it gives what one process scores for the best model.
     */
    @Test
    void dataParallelFinetuningWithUnevenShards() throws Exception {
        Path train = Fixtures.head(Fixtures.AFQMC_TRAIN, 33, dir.resolve("train.tsv"));
        Path dev = Fixtures.head(Fixtures.AFQMC_DEV, 21, dir.resolve("dev.tsv"));
        Cli r = Cli.run("launch", "--nproc-per-node", "2", "--master-port", Integer.toString(freePort()), "--", "finetune",
                "--task", "pair", "--model-config", Fixtures.tinyConfig(dir).toString(), "--vocab", Fixtures.VOCAB.toString(),
                "--train", train.toString(), "--dev", dev.toString(), "--output", dir.resolve("fine").toString(),
                "--epochs", "2", "--batch-size", "16", "--seq-len", "32", "--threads", "1");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(java.nio.file.Files.isDirectory(dir.resolve("fine/best")), r.toString());

        Cli eval = Cli.run("eval", "--model", dir.resolve("fine/best").toString(), "--data", dev.toString(),
                "--seq-len", "32", "--threads", "1");
        assertEquals(0, eval.exitCode(), eval.toString());
        ObjectMapper json = new ObjectMapper();
        JsonNode alone = json.readTree(eval.out());
        JsonNode together = json.readTree(dir.resolve("fine/dev_metrics.json").toFile());
        assertEquals(21, together.get("examples").asInt(), together.toString());
        for (String field : List.of("examples", "accuracy", "macro_f1", "per_class", "confusion_matrix")) {
            assertEquals(alone.get(field), together.get(field), field);
        }
    }

    /** A rank killed mid-training ends the whole launch with a failure, promptly, instead of leaving the other waiting. */
    @Test
    void aKilledRankFailsTheLaunch() throws Exception {
        java.util.concurrent.CompletableFuture<Cli> launch =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> Cli.run(pretrain(dir.resolve("killed"), 100_000)));
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        List<ProcessHandle> children = List.of();
        while (children.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            children = ProcessHandle.current().children().toList();
        }
        assertEquals(2, children.size(), "the launcher started two ranks");
        Thread.sleep(8000); // let them join the group and train
        long killed = System.nanoTime();
        children.get(1).destroyForcibly();
        Cli r = launch.get(60, java.util.concurrent.TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - killed) / 1e9;
        assertTrue(r.exitCode() != 0, r.toString());
        assertTrue(seconds < 30, "the launch ended " + seconds + " s after the kill");
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("launch: rank")), r.toString());
    }

    private static String[] pretrain(Path out, int steps) {
        try {
            return new String[] {"launch", "--nproc-per-node", "2", "--master-port", Integer.toString(freePort()), "--",
                "pretrain", "--model-config", Fixtures.tinyConfig(out.getParent()).toString(),
                "--vocab", Fixtures.VOCAB.toString(), "--train", Fixtures.CORPUS.toString(), "--output", out.toString(),
                "--max-steps", Integer.toString(steps), "--batch-size", "4", "--seq-len", "32", "--warmup", "1",
                "--log-every", "2", "--threads", "1", "--device", "cpu"};
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
