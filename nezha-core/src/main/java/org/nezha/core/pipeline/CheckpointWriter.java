package org.nezha.core.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.bytedeco.pytorch.Device;

import org.nezha.core.InputException;
import org.nezha.core.data.BatchPosition;
import org.nezha.core.io.FileTrees;
import org.nezha.core.io.IoErrors;
import org.nezha.core.io.SafeTensors;
import org.nezha.core.model.ModelDirectory;
import org.nezha.core.model.NezhaModel;
import org.nezha.core.tokenizer.TokenizerOptions;
import org.nezha.core.train.DynamicLossScaler;
import org.nezha.core.train.ExponentialMovingAverage;
import org.nezha.core.train.Optimizer;

/**
 * Writes {@code checkpoint-STEP/}: a complete model directory plus {@code optimizer.safetensors}
 * (optimizer state), {@code trainer_state.json} (step, data position and the data shape it refers to, fp16
 * loss scale), a fine-tuning run's {@code training_args.json} and
 * {@code rng.safetensors} (the CPU and GPU generators), with {@code --ema} {@code ema.safetensors} (the weights' moving
 * average; the model's weights are the raw ones), swapped in atomically; keeps only the newest few.
 * {@link Checkpoint} reads one back.
 */
final class CheckpointWriter {
    static final String PREFIX = "checkpoint-";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String TRAINER_STATE = "trainer_state.json";
    static final String EMA = "ema.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path outputDir;
    private final int keep;
    private final NezhaModel model;
    private final Path vocab;
    private final TokenizerOptions tokenizerOptions;
    private final Optimizer optimizer;
    private final DynamicLossScaler scaler;
    private final Device device;
    private final Map<String, Object> dataShape;
    private final Map<String, Object> trainingArgs;
    private final ExponentialMovingAverage ema;
    /** Steps of the checkpoints this writer wrote that are still on disk. */
    private final TreeSet<Long> written = new TreeSet<>();

    /**
     * {@code scaler}: fp16's loss scaler, or null; {@code device}: where training runs (its generator is
     * saved too); {@code dataShape}: {@link Checkpoint#dataShape}, which a resumed run must match;
     * {@code trainingArgs}: the run's settings, saved as {@link FinetuneJob#TRAINING_ARGS} (null: none, pretraining);
     * {@code ema}: the weights' moving average, or null.
     */
    CheckpointWriter(Path outputDir, int keep, NezhaModel model, Path vocab, TokenizerOptions tokenizerOptions,
            Optimizer optimizer, DynamicLossScaler scaler, Device device, Map<String, Object> dataShape,
            Map<String, Object> trainingArgs, ExponentialMovingAverage ema) {
        this.outputDir = outputDir;
        this.keep = keep;
        this.model = model;
        this.vocab = vocab;
        this.tokenizerOptions = tokenizerOptions;
        this.optimizer = optimizer;
        this.scaler = scaler;
        this.device = device;
        this.dataShape = dataShape;
        this.trainingArgs = trainingArgs;
        this.ema = ema;
    }

    /**
     * The newest checkpoint on disk that this writer wrote before {@code step}, or null: after a
     * divergence, the last whose weights were seen to give a finite loss and gradient on the next batch.
     */
    Path newestBefore(long step) {
        Long found = written.lower(step);
        return found == null ? null : outputDir.resolve(PREFIX + found);
    }

    Path write(long step, BatchPosition next) {
        Path dir = outputDir.resolve(PREFIX + step);
        ModelDirectory.save(dir, model, vocab, tokenizerOptions, staging -> {
            SafeTensors.write(staging.resolve(OPTIMIZER), optimizer.state(),
                    Map.of("optimizer", optimizer.name(), "steps", Long.toString(optimizer.stepCount())));
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("global_step", step);
            state.put("next_epoch", next.epoch());
            state.put("next_batch", next.batchIndex());
            state.put("optimizer_steps", optimizer.stepCount()); // fewer than global_step when fp16 skipped updates
            state.put(Checkpoint.DATA_SHAPE, dataShape);
            if (scaler != null) state.put("loss_scaler", scaler.state());
            SafeTensors.write(staging.resolve(Checkpoint.RNG), Checkpoint.randomState(device), Map.of());
            JSON.writeValue(staging.resolve(TRAINER_STATE).toFile(), state);
            if (ema != null) SafeTensors.write(staging.resolve(EMA), ema.state(), Map.of());
            if (trainingArgs != null) JSON.writeValue(staging.resolve(FinetuneJob.TRAINING_ARGS).toFile(), trainingArgs);
        });
        written.add(step);
        prune(step);
        return dir;
    }

    /**
     * Deletes all but the {@code keep} newest checkpoints up to {@code step} (keep ≤ 0 keeps all): a
     * resumed run's earlier ones count, an overwritten run's later-numbered ones do not.
     */
    private void prune(long step) {
        if (keep <= 0) return;
        try (Stream<Path> entries = Files.list(outputDir)) {
            List<Path> checkpoints = entries.filter(p -> stepOf(p) >= 0 && stepOf(p) <= step)
                    .sorted(Comparator.comparingLong(CheckpointWriter::stepOf)).toList();
            for (int i = 0; i < checkpoints.size() - keep; i++) {
                FileTrees.deleteRecursively(checkpoints.get(i));
                written.remove(stepOf(checkpoints.get(i)));
            }
        } catch (IOException e) {
            throw InputException.in(outputDir, "cannot remove old checkpoints: " + IoErrors.reason(e));
        }
    }

    private static long stepOf(Path p) {
        String name = p.getFileName().toString();
        if (!name.startsWith(PREFIX) || !Files.isDirectory(p)) return -1;
        try {
            return Long.parseLong(name.substring(PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
