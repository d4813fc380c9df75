package org.nezha.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.InputException;
import org.nezha.core.io.SafeTensors;
import org.nezha.core.model.ModelDirectory;
import org.nezha.core.task.TaskOptions;
import org.nezha.core.tensor.Tensors;
import org.nezha.core.train.Precision;

/** The tricks in a fine-tuning run: frozen embeddings, saved settings, half precision, resume checks and up-front validation. */
class TrainingTricksTest {
    private static final TrainingTricks COMPETITION = new TrainingTricks("focal", null, 0.4, null, "balanced", "cosine", null, 0.9,
            5e-3, true, null, null, null, null, null, 1, null);
    /** The training wrappers: FGM, a moving average and R-Drop together; PGD with multi-sample dropout. */
    private static final TrainingTricks FGM_EMA_RDROP = new TrainingTricks("ce", null, null, null, null, "linear", null, 1.0, null, false,
            "fgm", 0.5, null, null, 0.9, 1, 1.0);
    private static final TrainingTricks PGD_SAMPLES = new TrainingTricks("ce", null, null, null, null, "linear", null, 1.0, null, false,
            "pgd", 1.0, 2, 0.5, null, 3, null);

    /**
     * The moving average follows every update, not only those with a checkpoint or an evaluation: a run that
     * saves at steps 2 and 4 holds at step 4 d²·shadow₂ + (1 − d)(d·θ₃ + θ₄), θ₃ from the same run saved every step.
     */
    @Test
    void movingAverageFollowsEveryUpdate(@TempDir Path dir) throws Exception {
        double decay = 0.5;
        TrainingTricks ema = new TrainingTricks("ce", null, null, null, null, "linear", null, 1.0, null, false, null, null, null, null,
                decay, 1, null);
        Map<Integer, Path> runs = new HashMap<>();
        for (int every : new int[] {1, 2}) {
            FinetuneJob.Settings s = FinetuneJobTest.settings(dir);
            s.output = dir.resolve("every-" + every);
            s.maxSteps = 4;
            s.checkpointEvery = every;
            s.evalEvery = every;
            s.keepCheckpoints = 0;
            s.tricks = ema;
            new FinetuneJob(s, Execution.cpu("eager"), Progress.SILENT).run();
            runs.put(every, s.output);
        }
        Path sparse = runs.get(2), dense = runs.get(1);
        assertEquals(-1L, Files.mismatch(sparse.resolve("checkpoint-4/model.safetensors"), dense.resolve("checkpoint-4/model.safetensors")),
                "saving and evaluating more often trains the same weights");
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> shadow2 = SafeTensors.read(sparse.resolve("checkpoint-2/ema.safetensors"));
            Map<String, Tensor> shadow4 = SafeTensors.read(sparse.resolve("checkpoint-4/ema.safetensors"));
            Map<String, Tensor> theta3 = SafeTensors.read(dense.resolve("checkpoint-3/model.safetensors"));
            Map<String, Tensor> theta4 = SafeTensors.read(sparse.resolve("checkpoint-4/model.safetensors"));
            assertFalse(shadow4.isEmpty());
            for (String name : shadow4.keySet()) {
                double[] s2 = Tensors.toDoubles(shadow2.get(name)), t3 = Tensors.toDoubles(theta3.get(name)), t4 = Tensors.toDoubles(theta4.get(name));
                double[] got = Tensors.toDoubles(shadow4.get(name));
                for (int i = 0; i < got.length; i++) {
                    double want = decay * decay * s2[i] + (1 - decay) * (decay * t3[i] + t4[i]);
                    assertEquals(want, got[i], 1e-6 * Math.max(1, Math.abs(want)), name + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void frozenEmbeddingsStayBitIdenticalWhileTheRestTrains(@TempDir Path dir) throws Exception {
        FinetuneJob.Settings first = FinetuneJobTest.settings(dir);
        first.maxSteps = 2;
        first.checkpointEvery = 2;
        new FinetuneJob(first, Execution.cpu("eager"), Progress.SILENT).run();
        Path start = first.output.resolve("checkpoint-2");

        FinetuneJob.Settings s = FinetuneJobTest.settings(dir);
        s.modelConfig = null;
        s.vocab = null;
        s.init = start;
        s.output = dir.resolve("frozen");
        s.optimizer = "adam";
        s.maxSteps = 3;
        s.checkpointEvery = 3;
        s.tricks = COMPETITION;
        new FinetuneJob(s, Execution.cpu("eager"), Progress.SILENT).run();

        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> before = SafeTensors.read(start.resolve(ModelDirectory.WEIGHTS));
            Map<String, Tensor> after = SafeTensors.read(s.output.resolve("checkpoint-3").resolve(ModelDirectory.WEIGHTS));
            int frozen = 0;
            for (String name : before.keySet()) {
                boolean same = Arrays.equals(Tensors.toFloats(before.get(name)), Tensors.toFloats(after.get(name)));
                if (name.startsWith("nezha.embeddings.")) {
                    assertTrue(same, name + " is frozen");
                    frozen++;
                } else if (name.endsWith(".weight") && !name.contains("LayerNorm")) {
                    assertFalse(same, name + " trains");
                }
            }
            assertEquals(4, frozen, "word and token-type embeddings, LayerNorm weight and bias");
        }

        JsonNode args = new ObjectMapper().readTree(s.output.resolve(FinetuneJob.TRAINING_ARGS).toFile());
        assertEquals("adam", args.get("optimizer").asText());
        assertEquals(1e-8, args.get("epsilon").asDouble());
        JsonNode tricks = args.get(FinetuneJob.TRICKS);
        assertEquals("focal", tricks.get("loss").asText());
        assertEquals(2.0, tricks.get("focal_gamma").asDouble());
        assertEquals(0.4, tricks.get("focal_alpha").asDouble());
        assertTrue(tricks.get("class_weights").has("cold") && tricks.get("class_weights").has("warm"));
        assertEquals("cosine", tricks.get("scheduler").asText());
        assertEquals(0.9, tricks.get("layerwise_lr_decay").asDouble());
        assertTrue(tricks.get("freeze_embeddings").asBoolean());
        assertEquals(args, new ObjectMapper().readTree(s.output.resolve("checkpoint-3").resolve(FinetuneJob.TRAINING_ARGS).toFile()),
                "each checkpoint holds the run's settings");
    }

    /** Under autocast the tricks' losses are computed in float32: bf16 and fp16 (loss-scaled) track fp32. */
    @ParameterizedTest
    @ValueSource(strings = {"bf16", "fp16"})
    void tricksTrainUnderHalfPrecision(String precision, @TempDir Path dir) throws Exception {
        assertHalfPrecisionTracksFp32(COMPETITION, precision, dir);
    }

    /** The wrappers' extra passes run under the same autocast, their losses scaled as the first (fp16). */
    @ParameterizedTest
    @ValueSource(strings = {"bf16", "fp16"})
    void wrappersTrainUnderHalfPrecision(String precision, @TempDir Path dir) throws Exception {
        assertHalfPrecisionTracksFp32(FGM_EMA_RDROP, precision, dir.resolve("fgm"));
        assertHalfPrecisionTracksFp32(PGD_SAMPLES, precision, dir.resolve("pgd"));
    }

    private static void assertHalfPrecisionTracksFp32(TrainingTricks tricks, String precision, Path dir) throws Exception {
        double[] fp32 = trainingLosses(dir.resolve("fp32"), Precision.FP32, tricks);
        double[] half = trainingLosses(dir.resolve(precision), Precision.parse(precision), tricks);
        assertEquals(6, fp32.length, "one logged loss per update");
        assertEquals(fp32.length, half.length);
        for (int i = 0; i < fp32.length; i++) assertEquals(fp32[i], half[i], 0.05, precision + " loss " + i);
    }

    private static double[] trainingLosses(Path dir, Precision precision, TrainingTricks tricks) throws Exception {
        Files.createDirectories(dir);
        FinetuneJob.Settings s = FinetuneJobTest.settings(dir);
        s.maxSteps = 6;
        s.logEvery = 1;
        s.optimizer = "adam";
        s.tricks = tricks;
        Path metrics = new FinetuneJob(s, new Execution("fused", new Device("cpu"), precision), Progress.SILENT).run().metricsFile();
        ObjectMapper json = new ObjectMapper();
        List<Double> losses = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            JsonNode record = json.readTree(line);
            if (record.has("grad_norm")) losses.add(record.get("loss").asDouble());
        }
        return losses.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void resumeNamesEveryTrickThatDiffers(@TempDir Path dir) throws Exception {
        FinetuneJob.Settings s = FinetuneJobTest.settings(dir);
        s.maxSteps = 4;
        s.checkpointEvery = 2;
        s.tricks = new TrainingTricks("focal", 1.0, null, null, null, "linear", null, 1.0, null, false, null, null, null, null, null, 1, null);
        new FinetuneJob(s, Execution.cpu("eager"), Progress.SILENT).run();
        Path written = s.output.resolve("checkpoint-4");
        assertTrue(Files.isDirectory(written));

        s.resume = s.output.resolve("checkpoint-2");
        s.tricks = new TrainingTricks("ce", null, null, null, null, "cosine", null, 1.0, null, false, null, null, null, null, null, 1, null);
        InputException e = assertThrows(InputException.class, () -> new FinetuneJob(s, Execution.cpu("eager"), Progress.SILENT).run());
        assertTrue(e.getMessage().contains("was trained with other tricks (--loss: focal in the checkpoint, ce in this run; "
                + "--focal-gamma: 1.0 in the checkpoint, null in this run; --scheduler: linear in the checkpoint, cosine in this run)"),
                e.getMessage());

        s.tricks = new TrainingTricks("focal", 1.0, null, null, null, "linear", null, 1.0, null, false, null, null, null, null, null, 1, null);
        new FinetuneJob(s, Execution.cpu("eager"), Progress.SILENT).run(); // the same tricks continue
    }

    @Test
    void badTricksStopBeforeAnythingIsWritten(@TempDir Path dir) throws Exception {
        assertBad(dir, "pair", tricks("hinge", null, null, null), "--loss hinge: choose one of ce, focal, dice, label-smoothing");
        assertBad(dir, "embedding", tricks("focal", null, null, null), "--loss focal applies to pair, single, ner, span, not embedding");
        assertBad(dir, "span", tricks("ce", null, null, "balanced"), "--class-weights applies to pair, single, ner, not span");
        assertBad(dir, "span", new TrainingTricks("focal", null, 0.25, null, null, "linear", null, 1.0, null, false, null, null, null, null, null, 1, null),
                "--focal-alpha weighs the two labels of a binary task, not span's positions");
        assertBad(dir, "ner", CRF, tricks("focal", null, null, null),
                "--loss focal: with --crf the tagger trains by its tag chain's likelihood, not a per-token softmax; leave out one of them");
        assertBad(dir, "ner", CRF, tricks("ce", null, null, "balanced"), "--class-weights: with --crf the tagger trains");
        assertBad(dir, "single", tricks("ce", 2.0, null, null), "--focal-gamma applies only with --loss focal");
        assertBad(dir, "single", tricks("focal", null, 0.1, null), "--label-smoothing applies only with --loss label-smoothing");
        assertBad(dir, "single", tricks("label-smoothing", null, 1.0, null), "--label-smoothing must be in [0, 1), got 1.0");
        assertBad(dir, "single", tricks("focal", -1.0, null, null), "--focal-gamma must be a number >= 0, got -1.0");
        assertBad(dir, "single", new TrainingTricks("ce", null, null, null, null, "step", null, 1, null, false, null, null, null, null, null, 1, null),
                "--scheduler step: choose one of linear, cosine, constant, poly");
        assertBad(dir, "single", new TrainingTricks("ce", null, null, null, null, "linear", 2.0, 1, null, false, null, null, null, null, null, 1, null),
                "--poly-power applies only with --scheduler poly");
        assertBad(dir, "single", new TrainingTricks("ce", null, null, null, null, "linear", null, 0, null, false, null, null, null, null, null, 1, null),
                "--layerwise-lr-decay must be in (0, 1], got 0.0");
        assertBad(dir, "single", new TrainingTricks("ce", null, null, null, null, "linear", null, 1, -1.0, false, null, null, null, null, null, 1, null),
                "--head-lr must be a positive number, got -1.0");
        Path weights = Files.writeString(dir.resolve("weights.tsv"), "warm\t1\n");
        assertBad(dir, "single", tricks("ce", null, null, weights.toString()), "has no weight for training label \"cold\"");
        FinetuneJob.Settings threeLabels = FinetuneJobTest.settings(dir);
        threeLabels.train = Files.writeString(dir.resolve("three.tsv"), "text\tlabel\n春花\twarm\n铁石\tcold\n云月\tmild\n");
        threeLabels.tricks = new TrainingTricks("focal", null, 0.25, null, null, "linear", null, 1.0, null, false, null, null, null, null, null, 1, null);
        InputException e = assertThrows(InputException.class,
                () -> new FinetuneJob(threeLabels, Execution.cpu("eager"), Progress.SILENT).run());
        assertEquals("--focal-alpha weighs the two classes of a binary task; this one has 3 labels (use --class-weights)", e.getMessage());
        assertFalse(Files.exists(threeLabels.output), "nothing written");
    }

    private static final TaskOptions CRF = new TaskOptions(true, null, null, null, null, null, null, null, null);

    private static TrainingTricks tricks(String loss, Double focalGamma, Double labelSmoothing, String classWeights) {
        return new TrainingTricks(loss, focalGamma, null, labelSmoothing, classWeights, "linear", null, 1.0, null, false, null, null, null, null, null, 1, null);
    }

    private static void assertBad(Path dir, String task, TrainingTricks tricks, String expected) throws Exception {
        assertBad(dir, task, TaskOptions.DEFAULTS, tricks, expected);
    }

    private static void assertBad(Path dir, String task, TaskOptions options, TrainingTricks tricks, String expected) throws Exception {
        FinetuneJob.Settings s = FinetuneJobTest.settings(dir);
        s.task = task;
        s.taskOptions = options;
        s.tricks = tricks;
        InputException e = assertThrows(InputException.class, () -> new FinetuneJob(s, Execution.cpu("eager"), Progress.SILENT).run());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(Files.exists(s.output), "nothing written");
    }
}
