package org.nezha.core.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import org.nezha.core.InputException;
import org.nezha.core.data.BatchLayout;
import org.nezha.core.data.BatchPosition;
import org.nezha.core.data.EpochBatcher;
import org.nezha.core.io.CheckpointNames;
import org.nezha.core.io.IoErrors;
import org.nezha.core.io.SafeTensors;
import org.nezha.core.model.ModelDirectory;
import org.nezha.core.model.ModelFamily;
import org.nezha.core.model.NezhaModel;
import org.nezha.core.train.DynamicLossScaler;
import org.nezha.core.train.ExponentialMovingAverage;
import org.nezha.core.train.Optimizer;

/**
 * A {@code checkpoint-STEP/} directory read back for {@code --resume}: the weights, the optimizer
 * state, the step, where the data stands, the fp16 loss scale and the random-number generators
 * (the CPU one seeds the fused attention's dropout, the training GPU's one draws the other dropout
 * masks there), so the run continues as if it had never stopped.
 */
record Checkpoint(Path dir, long step, BatchPosition next, long optimizerSteps, Map<String, Double> lossScaler,
        JsonNode dataShape) {
    static final String RNG = "rng.safetensors";
    static final String DATA_SHAPE = "data_shape";
    private static final String CPU_GENERATOR = "cpu", GPU_GENERATOR = "gpu";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The generators' states, for {@link CheckpointWriter}: the CPU's, and {@code device}'s when it is a GPU. */
    static Map<String, Tensor> randomState(Device device) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put(CPU_GENERATOR, torch.getDefaultCPUGenerator().get_state());
        if (!device.is_cpu()) state.put(GPU_GENERATOR, torch.globalContext().defaultGenerator(device).get_state());
        return state;
    }

    /** Sets the generators saved by {@link #randomState}; a GPU state is used only when training on a GPU again. */
    static void restoreRandomState(Path file, Device device) {
        Map<String, Tensor> state = SafeTensors.read(file);
        torch.getDefaultCPUGenerator().set_state(state.get(CPU_GENERATOR));
        Tensor gpu = state.get(GPU_GENERATOR);
        if (gpu != null && !device.is_cpu()) torch.globalContext().defaultGenerator(device).set_state(gpu);
    }

    static Checkpoint read(Path dir) {
        if (!Files.isDirectory(dir)) throw InputException.in(dir, "checkpoint directory not found");
        for (String file : new String[] {CheckpointWriter.TRAINER_STATE, ModelDirectory.CONFIG, ModelDirectory.VOCAB,
                ModelDirectory.WEIGHTS, CheckpointWriter.OPTIMIZER, RNG}) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw InputException.in(dir, "not a checkpoint directory: " + file + " is missing (--resume takes a "
                        + "run's checkpoint-N directory)");
            }
        }
        Path stateFile = dir.resolve(CheckpointWriter.TRAINER_STATE);
        try {
            JsonNode state = JSON.readTree(stateFile.toFile());
            for (String field : new String[] {"global_step", "next_epoch", "next_batch", "optimizer_steps"}) {
                if (!state.path(field).canConvertToLong()) throw InputException.in(stateFile, "has no number \"" + field + "\"");
            }
            Map<String, Double> scaler = null;
            if (state.has("loss_scaler")) {
                scaler = new LinkedHashMap<>();
                for (var e : state.get("loss_scaler").properties()) scaler.put(e.getKey(), e.getValue().asDouble());
            }
            return new Checkpoint(dir, state.get("global_step").asLong(),
                    new BatchPosition(state.get("next_epoch").asInt(), state.get("next_batch").asInt()),
                    state.get("optimizer_steps").asLong(), scaler, state.get(DATA_SHAPE));
        } catch (IOException e) {
            throw InputException.in(stateFile, "unreadable: " + IoErrors.reason(e));
        }
    }

    /** Refuses a checkpoint the run has nothing left to do after. */
    void requireBefore(long lastStep) {
        if (step >= lastStep) throw InputException.in(dir, "is at step " + step + ", and this run ends at step " + lastStep);
    }

    /**
     * Refuses a checkpoint trained with other tricks than {@code trainingArgs}' (this run's
     * {@link FinetuneJob#TRAINING_ARGS}), naming each difference. A checkpoint written before tricks were saved
     * was trained with {@link TrainingTricks#DEFAULTS}.
     */
    void requireSameTricks(Map<String, Object> trainingArgs) {
        Path file = dir.resolve(FinetuneJob.TRAINING_ARGS);
        Map<String, Object> saved = TrainingTricks.DEFAULTS.describe(null);
        if (Files.isRegularFile(file)) {
            try {
                JsonNode tricks = JSON.readTree(file.toFile()).get(FinetuneJob.TRICKS);
                if (tricks == null || !tricks.isObject()) throw InputException.in(file, "has no \"" + FinetuneJob.TRICKS + "\" object");
                saved = JSON.convertValue(tricks, new TypeReference<Map<String, Object>>() {});
            } catch (IOException e) {
                throw InputException.in(file, "unreadable: " + IoErrors.reason(e));
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> current = (Map<String, Object>) trainingArgs.get(FinetuneJob.TRICKS);
        String differences = TrainingTricks.differences(saved, current);
        if (differences != null) {
            throw InputException.in(dir, "was trained with other tricks (" + differences + "): resume with the checkpoint's options, "
                    + "or start afresh");
        }
    }

    /** Refuses a checkpoint of a classifier for other labels (or of no classifier at all). */
    void requireLabels(List<String> labels) {
        List<String> saved = ModelDirectory.readConfig(dir).labels();
        if (!saved.equals(labels)) {
            throw InputException.in(dir.resolve(ModelDirectory.CONFIG), "is for labels " + saved + ", but the training data has " + labels);
        }
    }

    /**
     * What a data position means: the examples, the batch per process, the processes and the
     * micro-batches per step. A checkpoint is resumed only under the same shape (its position would
     * point at other data otherwise).
     */
    static Map<String, Object> dataShape(EpochBatcher<?> batcher, int gradientAccumulation) {
        BatchLayout layout = batcher.layout();
        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("examples", layout.items());
        shape.put("batch_size_per_process", layout.batchSizePerProcess());
        shape.put("processes", layout.processes());
        shape.put("gradient_accumulation", gradientAccumulation);
        return shape;
    }

    /**
     * Puts the model, optimizer, loss scaler (null without fp16), moving average (null without one), generators and batcher back where the
     * checkpoint left them; returns the step to continue from. {@code dataShape} is this run's, as given
     * to the {@link CheckpointWriter}: the checkpoint's must be the same.
     */
    /**
     * The optimizer's moments ({@code exp_avg.NAME}, {@code exp_avg_sq.NAME}) under the model's parameter
     * names: checkpoints written before BERT and ALBERT had names of their own keyed a BERT's moments by
     * {@code nezha.} names.
     */
    private static Map<String, Tensor> underFamilyNames(Map<String, Tensor> state, ModelFamily family) {
        Map<String, Tensor> renamed = new LinkedHashMap<>();
        state.forEach((key, tensor) -> {
            int dot = key.indexOf('.');
            String name = dot < 0 ? null : CheckpointNames.canonicalName(key.substring(dot + 1), true, family);
            renamed.putIfAbsent(name == null ? key : key.substring(0, dot + 1) + name, tensor);
        });
        return renamed;
    }

    long restore(NezhaModel model, Optimizer optimizer, DynamicLossScaler scaler, ExponentialMovingAverage ema, Device device,
            EpochBatcher<?> batcher, Map<String, Object> dataShape) {
        requireSameDataShape(dataShape);
        var report = ModelDirectory.loadWeights(dir, model);
        if (!report.missing().isEmpty()) {
            throw InputException.in(dir.resolve(ModelDirectory.WEIGHTS), "has no weight " + report.missing().getFirst());
        }
        Path optimizerFile = dir.resolve(CheckpointWriter.OPTIMIZER);
        String saved = SafeTensors.readMetadata(optimizerFile).get("optimizer");
        if (!optimizer.name().equals(saved)) {
            throw InputException.in(optimizerFile, "holds " + saved + " state, but this run uses " + optimizer.name()
                    + " (--optimizer)");
        }
        try {
            optimizer.loadState(underFamilyNames(SafeTensors.read(optimizerFile), ModelFamily.of(model.config())), optimizerSteps);
        } catch (IllegalArgumentException e) {
            throw InputException.in(optimizerFile, e.getMessage());
        }
        if (scaler != null && lossScaler != null) scaler.load(lossScaler);
        if (ema != null) restoreMovingAverage(ema);
        restoreRandomState(dir.resolve(RNG), device);
        try {
            batcher.seek(next.epoch(), next.batchIndex());
        } catch (IllegalArgumentException e) { // a checkpoint older than the data shape it was written with
            throw InputException.in(dir.resolve(CheckpointWriter.TRAINER_STATE), "its data position does not fit this run's "
                    + "data (" + e.getMessage() + "): resume with the same data, --batch-size, --grad-accum and processes");
        }
        return step;
    }

    /** The moving average a run with {@code --ema} saved (the tricks were compared already: this checkpoint has one). */
    private void restoreMovingAverage(ExponentialMovingAverage ema) {
        Path file = dir.resolve(CheckpointWriter.EMA);
        if (!Files.isRegularFile(file)) throw InputException.in(dir, "has no " + CheckpointWriter.EMA + " (--ema)");
        try {
            ema.loadState(SafeTensors.read(file));
        } catch (IllegalArgumentException e) {
            throw InputException.in(file, e.getMessage());
        }
    }

    private void requireSameDataShape(Map<String, Object> current) {
        if (dataShape == null) return; // written before shapes were recorded: the seek below still checks the range
        Map<String, Object> saved = JSON.convertValue(dataShape, new TypeReference<Map<String, Object>>() {});
        if (!saved.equals(current)) {
            throw InputException.in(dir.resolve(CheckpointWriter.TRAINER_STATE), "was written by a run with " + saved
                    + ", this run has " + current + ": resume with the same data, --batch-size, --grad-accum and number "
                    + "of processes, or start afresh");
        }
    }
}
