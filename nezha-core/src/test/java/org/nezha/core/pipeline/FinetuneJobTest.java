package org.nezha.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.InputException;
import org.nezha.core.task.TaskOptions;
import org.nezha.core.io.SafeTensors;
import org.nezha.core.io.FileTrees;
import org.nezha.core.model.ModelDirectory;
import org.nezha.core.tensor.Tensors;

class FinetuneJobTest {
    /** Texts drawn from one of two disjoint character sets; the set is the label. Learnable, not memorisable. */
    static Path syntheticTask(Path file, int n, long seed) throws Exception {
        String warm = "春夏花草山水风雨云月", cold = "铁钢石冰雪霜寒冷硬灰";
        Random random = new Random(seed);
        List<String> lines = new ArrayList<>(List.of("text\tlabel"));
        for (int i = 0; i < n; i++) {
            boolean isWarm = random.nextBoolean();
            String chars = isWarm ? warm : cold;
            StringBuilder text = new StringBuilder();
            for (int j = 0; j < 6 + random.nextInt(6); j++) text.append(chars.charAt(random.nextInt(chars.length())));
            lines.add(text + "\t" + (isWarm ? "warm" : "cold"));
        }
        Files.write(file, lines);
        return file;
    }

    static FinetuneJob.Settings settings(Path dir) throws Exception {
        FinetuneJob.Settings s = new FinetuneJob.Settings();
        s.task = "single";
        s.modelConfig = PretrainJobTest.CONFIG;
        s.vocab = PretrainJobTest.VOCAB;
        s.train = syntheticTask(dir.resolve("train.tsv"), 480, 1);
        s.dev = syntheticTask(dir.resolve("dev.tsv"), 200, 2);
        s.output = dir.resolve("out");
        s.epochs = 3;
        s.batchSize = 16;
        s.seqLen = 32;
        s.learningRate = 1e-3;
        s.logEvery = 10;
        return s;
    }

    @Test
    void learnsALearnableTaskAndKeepsTheBestModel(@TempDir Path dir) throws Exception {
        FinetuneJob.Settings s = settings(dir);
        FinetuneJob.Result result = new FinetuneJob(s, Execution.cpu("eager"), Progress.SILENT).run();
        double accuracy = ((Number) result.bestDevMetrics().get("accuracy")).doubleValue();
        assertTrue(accuracy > 0.95, "dev accuracy " + accuracy + " (majority " + result.devBaselineMetrics().get("accuracy") + ")");
        assertEquals(List.of("cold", "warm"), ModelDirectory.readConfig(result.bestModelDir()).labels());
        assertTrue(Files.isRegularFile(s.output.resolve(FinetuneJob.DEV_METRICS)));
        assertTrue(Files.isRegularFile(result.lossCurve()));

        // the saved model scores the same when loaded back
        FineTunedModel<?, ?, ?> loaded = FineTunedModel.load(result.bestModelDir(), Execution.cpu("eager"), null, TaskOptions.DEFAULTS);
        assertEquals("single", loaded.task().name());
        double reloaded = ((Number) loaded.evaluate(s.dev, 32, 50, Progress.SILENT).get("accuracy")).doubleValue();
        assertEquals(accuracy, reloaded, 1e-9);
    }

    /**
     * A run that stopped after checkpoint-6 and is resumed in its own directory ends as the run that never
     * stopped (dropout on): the same final weights, best model and scores, and a metrics.jsonl without the
     * stopped run's later records twice.
     */
    @Test
    void resumingInTheSameDirectoryContinuesAsIfNeverStopped(@TempDir Path dir) throws Exception {
        FinetuneJob.Settings s = settings(dir);
        s.maxSteps = 12;
        s.evalEvery = 4;
        s.checkpointEvery = 6;
        s.keepCheckpoints = 0;
        s.logEvery = 2;
        FinetuneJob.Result straight = new FinetuneJob(s, Execution.cpu("fused"), Progress.SILENT).run();

        // what a run killed between step 6 and 12 leaves: everything but the last checkpoint, logs up to the end
        Path stopped = dir.resolve("stopped");
        copyTree(s.output, stopped);
        FileTrees.deleteRecursively(stopped.resolve("checkpoint-12"));
        s.output = stopped;
        s.resume = stopped.resolve("checkpoint-6");
        FinetuneJob.Result resumed = new FinetuneJob(s, Execution.cpu("fused"), Progress.SILENT).run();

        assertEquals(straight.bestStep(), resumed.bestStep());
        assertEquals(straight.bestDevMetrics(), resumed.bestDevMetrics());
        assertSameWeights(dir.resolve("out/checkpoint-12"), stopped.resolve("checkpoint-12"));
        assertSameWeights(dir.resolve("out/best"), stopped.resolve("best"));
        List<JsonNode> want = records(straight.metricsFile()), got = records(resumed.metricsFile());
        assertEquals(want.size(), got.size(), "one record per logged step and evaluation");
        for (int i = 0; i < want.size(); i++) {
            for (String field : List.of("split", "step", "loss", "grad_norm", "accuracy")) {
                assertEquals(want.get(i).get(field), got.get(i).get(field), "record " + i + " " + field);
            }
        }
    }

    @Test
    void resumeRefusesACheckpointForOtherLabels(@TempDir Path dir) throws Exception {
        FinetuneJob.Settings s = settings(dir);
        s.maxSteps = 4;
        s.checkpointEvery = 2;
        new FinetuneJob(s, Execution.cpu("eager"), Progress.SILENT).run();
        List<String> train = new ArrayList<>(Files.readAllLines(s.train));
        train.set(1, "春花\tlukewarm");
        Files.write(s.train, train);
        s.resume = s.output.resolve("checkpoint-2");
        InputException e = assertThrows(InputException.class, () -> new FinetuneJob(s, Execution.cpu("eager"), Progress.SILENT).run());
        assertEquals(s.resume.resolve("config.json") + ": is for labels [cold, warm], but the training data has [cold, lukewarm, warm]",
                e.getMessage());
    }

    private static void assertSameWeights(Path want, Path got) {
        var a = SafeTensors.read(want.resolve(ModelDirectory.WEIGHTS));
        var b = SafeTensors.read(got.resolve(ModelDirectory.WEIGHTS));
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) assertArrayEquals(Tensors.toFloats(a.get(name)), Tensors.toFloats(b.get(name)), name);
    }

    private static List<JsonNode> records(Path metricsFile) throws Exception {
        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(metricsFile)) records.add(PretrainJobTest.JSON.readTree(line));
        return records;
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) Files.copy(p, to.resolve(from.relativize(p).toString()));
        }
    }

    @Test
    void unknownDevLabelStopsBeforeAnythingIsWritten(@TempDir Path dir) throws Exception {
        FinetuneJob.Settings s = settings(dir);
        List<String> dev = new ArrayList<>(Files.readAllLines(s.dev));
        dev.set(5, "春花\tlukewarm");
        Files.write(s.dev, dev);
        InputException e = assertThrows(InputException.class,
                () -> new FinetuneJob(s, Execution.cpu("eager"), Progress.SILENT).run());
        assertTrue(e.getMessage().startsWith(s.dev + ":6: unknown label 'lukewarm'"), e.getMessage());
        assertTrue(Files.notExists(s.output));
    }
}
