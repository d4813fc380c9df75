package org.nezha.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.io.SafeTensors;
import org.nezha.core.model.ModelDirectory;
import org.nezha.core.tensor.Tensors;

class PretrainJobTest {
    static final Path CONFIG = Path.of("src/test/resources/configs/nezha-test.json");
    static final Path VOCAB = Path.of("../data/vocab/vocab.txt");
    static final Path CORPUS = Path.of("../data/corpus/cluecorpussmall_sample.txt");
    static final ObjectMapper JSON = new ObjectMapper();

    static PretrainJob.Settings settings(Path output, long steps) {
        PretrainJob.Settings s = new PretrainJob.Settings();
        s.modelConfig = CONFIG;
        s.vocab = VOCAB;
        s.train = List.of(CORPUS);
        s.output = output;
        s.maxSteps = steps;
        s.batchSize = 16;
        s.seqLen = 64;
        s.learningRate = 2e-3;
        s.warmupSteps = 5;
        s.optimizer = "adamw";
        s.epsilon = 1e-6;
        s.logEvery = 5;
        s.checkpointEvery = 20;
        s.seed = 7;
        return s;
    }

    @Test
    void lossFallsOnTheBundledCorpus(@TempDir Path dir) throws Exception {
        // the default backend, with attention dropout regenerated in the kernel backward
        PretrainJob.Result result = new PretrainJob(settings(dir, 60), Execution.cpu("fused"), Progress.SILENT).run();
        List<JsonNode> logs = Files.readAllLines(result.metricsFile()).stream().map(PretrainJobTest::parse).toList();
        assertEquals(12, logs.size());
        for (JsonNode log : logs) {
            for (String field : List.of("step", "loss", "lr", "grad_norm", "tokens_per_s")) assertTrue(log.has(field), field);
        }
        double first = logs.getFirst().get("loss").asDouble(), last = logs.getLast().get("loss").asDouble();
        // untrained: ~ln(21128) = 9.96; the unigram distribution alone takes it well below 8
        assertTrue(first > 9.0, "first loss " + first);
        assertTrue(last < first - 1.5, "loss went from " + first + " to " + last);
        assertTrue(Files.isRegularFile(result.lossCurve()));
        assertTrue(Files.isRegularFile(dir.resolve("checkpoint-40/model.safetensors")));
        assertTrue(Files.isRegularFile(dir.resolve("checkpoint-60/optimizer.safetensors")));
        assertTrue(Files.notExists(dir.resolve("checkpoint-20")), "only the newest two checkpoints are kept");
        assertEquals(ModelDirectory.readConfig(result.modelDir()).architectures(), List.of("NezhaForMaskedLM"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"eager", "fused"})
    void sameSeedGivesTheSameModel(String attention, @TempDir Path dir) {
        var a = new PretrainJob(settings(dir.resolve("a"), 6), Execution.cpu(attention), Progress.SILENT).run();
        var b = new PretrainJob(settings(dir.resolve("b"), 6), Execution.cpu(attention), Progress.SILENT).run();
        var wa = SafeTensors.read(a.modelDir().resolve(ModelDirectory.WEIGHTS));
        var wb = SafeTensors.read(b.modelDir().resolve(ModelDirectory.WEIGHTS));
        assertEquals(wa.keySet(), wb.keySet());
        for (String name : wa.keySet()) {
            assertArrayEquals(Tensors.toFloats(wa.get(name)), Tensors.toFloats(wb.get(name)), name);
        }
    }

    static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
