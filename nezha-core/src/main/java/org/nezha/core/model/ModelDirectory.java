package org.nezha.core.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.bytedeco.pytorch.Tensor;

import org.nezha.core.InputException;
import org.nezha.core.config.NezhaConfig;
import org.nezha.core.io.AtomicDirectories;
import org.nezha.core.io.CheckpointNames;
import org.nezha.core.io.IoErrors;
import org.nezha.core.io.SafeTensors;
import org.nezha.core.tokenizer.TokenizerOptions;

/**
 * A model directory as HF lays it out: {@code config.json}, {@code vocab.txt},
 * {@code tokenizer_config.json} and {@code model.safetensors} with HF state-dict names.
 * Saving writes a sibling temporary directory and swaps it in, so a crash never leaves a half model.
 */
public final class ModelDirectory {
    public static final String CONFIG = "config.json";
    public static final String VOCAB = "vocab.txt";
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    public static final String WEIGHTS = "model.safetensors";

    private ModelDirectory() {}

    /** Writes config, vocabulary, tokenizer settings and weights to {@code dir}, replacing what was there. */
    public static void save(Path dir, NezhaModel model, Path vocab, TokenizerOptions tokenizerOptions) {
        save(dir, model, vocab, tokenizerOptions, staging -> {});
    }

    /** Writes files that belong with the model (optimizer state, trainer state) into the directory being built. */
    public interface Extras extends AtomicDirectories.Content {}

    /** As {@link #save(Path, NezhaModel, Path, TokenizerOptions)}, with {@code extras} written into the same atomic swap. */
    public static void save(Path dir, NezhaModel model, Path vocab, TokenizerOptions tokenizerOptions, Extras extras) {
        if (!Files.isRegularFile(vocab)) throw InputException.in(vocab, "vocabulary file not found (the model is saved with it)");
        AtomicDirectories.replace(dir, staging -> {
            model.config().write(staging.resolve(CONFIG));
            Files.copy(vocab, staging.resolve(VOCAB), StandardCopyOption.REPLACE_EXISTING);
            tokenizerOptions.write(staging.resolve(TOKENIZER_CONFIG));
            SafeTensors.write(staging.resolve(WEIGHTS), savedWeights(model), Map.of("format", "pt"));
            extras.writeInto(staging);
        });
    }

    /** The state dict HF would save: everything but tied or derived tensors. */
    static Map<String, Tensor> savedWeights(NezhaModel model) {
        return new LinkedHashMap<>(model.parameters().asMap());
    }

    public static NezhaConfig readConfig(Path dir) {
        requireDirectory(dir);
        return NezhaConfig.read(dir.resolve(CONFIG));
    }

    /**
     * Loads {@code dir/model.safetensors} into the model, accepting HF, Huawei and TF-converted names
     * (and this engine's older directories, which kept a BERT under {@code nezha.} names).
     * A classifier initialised from an MLM checkpoint legitimately misses its head; anything else
     * missing from the encoder is an error.
     */
    public static ParameterStore.LoadReport loadWeights(Path dir, NezhaModel model) {
        return loadWeights(dir, model, name -> true);
    }

    /** As {@link #loadWeights(Path, NezhaModel)}, taking only the stored weights whose (HF) name passes {@code wanted}. */
    public static ParameterStore.LoadReport loadWeights(Path dir, NezhaModel model, java.util.function.Predicate<String> wanted) {
        Path file = dir.resolve(WEIGHTS);
        requireNoForeignCheckpoint(dir);
        if (!Files.isRegularFile(file)) throw InputException.in(file, "missing (a model directory needs " + WEIGHTS + ")");
        ModelFamily family = ModelFamily.of(model.config());
        Map<String, Tensor> weights = CheckpointNames.canonicalize(SafeTensors.read(file), family);
        weights.keySet().removeIf(wanted.negate());
        ParameterStore.LoadReport report;
        try {
            report = model.parameters().load(weights);
        } catch (ParameterStore.ShapeMismatchException e) {
            throw InputException.in(file, e.getMessage());
        }
        for (String name : report.missing()) {
            if (name.startsWith(family.prefix() + "embeddings.") || name.startsWith(family.prefix() + "encoder.")) {
                throw InputException.in(file, "has no weight " + name + " (is it a " + family + " model of this config?)");
            }
        }
        return report;
    }

    public static void requireDirectory(Path dir) {
        if (!Files.isDirectory(dir)) throw InputException.in(dir, "model directory not found");
        requireNoForeignCheckpoint(dir);
        if (!Files.isRegularFile(dir.resolve(CONFIG))) throw InputException.in(dir, "not a model directory (no " + CONFIG + ")");
        if (!Files.isRegularFile(dir.resolve(VOCAB))) throw InputException.in(dir, "not a model directory (no " + VOCAB + ")");
    }

    /**
     * A directory with PyTorch or TensorFlow weights and no {@code model.safetensors} is a checkpoint as
     * released, not yet a model directory: say how to make it one.
     */
    private static void requireNoForeignCheckpoint(Path dir) {
        if (Files.isRegularFile(dir.resolve(WEIGHTS))) return;
        String found = null;
        for (String name : new String[] {"pytorch_model.bin", "pytorch_model.bin.index.json", "checkpoint"}) {
            if (Files.isRegularFile(dir.resolve(name))) found = name;
        }
        if (found == null) {
            try (Stream<Path> files = Files.list(dir)) {
                found = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".index") || n.endsWith(".ckpt")).findFirst().orElse(null);
            } catch (IOException e) {
                throw InputException.in(dir, "cannot list: " + IoErrors.reason(e));
            }
        }
        if (found != null) {
            throw InputException.in(dir, "holds a checkpoint as released (" + found + "), not a model directory; convert it first: "
                    + "nezha convert --from " + dir + " --output NEW_DIR");
        }
    }
}
