package org.nezha.core.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.nezha.core.InputException;
import org.nezha.core.config.NezhaConfig;
import org.nezha.core.tokenizer.Vocab;

/** Checks that a job's pieces fit together, run before anything is written. */
final class ModelChecks {
    private ModelChecks() {}

    /** Every token id the vocabulary can produce must have an embedding row. */
    static void vocabularyFits(Vocab vocab, Path vocabFile, NezhaConfig config, Object configSource) {
        if (vocab.size() > config.vocabSize()) {
            throw InputException.in(vocabFile, "has " + vocab.size() + " tokens but " + configSource + " says vocab_size "
                    + config.vocabSize() + " (vocabulary and model config do not belong together)");
        }
    }

    /** The model must be able to take {@code seqLen} tokens (HF's NEZHA and BERT stop at max_position_embeddings). */
    static void sequenceLengthFits(int seqLen, int minimum, NezhaConfig config, Object configSource) {
        if (seqLen < minimum) throw new InputException("--seq-len " + seqLen + ": must be at least " + minimum);
        if (seqLen > config.maxPositionEmbeddings()) {
            throw new InputException("--seq-len " + seqLen + ": the model takes at most " + config.maxPositionEmbeddings()
                    + " tokens (max_position_embeddings in " + configSource + ")");
        }
    }

    /** Refuses to mix a new run's outputs into an earlier run's, unless asked to replace them. */
    static void outputDirectoryUsable(Path dir, boolean overwrite) {
        if (Files.isRegularFile(dir)) throw InputException.in(dir, "output directory is an existing file");
        if (!Files.isDirectory(dir) || overwrite) return;
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw InputException.in(dir, "output directory is not empty (use --overwrite to replace its contents)");
            }
        } catch (IOException e) {
            throw InputException.in(dir, "cannot read output directory: " + e.getMessage());
        }
    }

    static void createOutputDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw InputException.in(dir, "cannot create output directory: " + e.getMessage());
        }
    }

    static void positive(String option, double value) {
        if (!(value > 0)) throw new InputException(option + " must be positive, got " + value);
    }
}
