package org.nezha.core.pipeline;

import java.nio.file.Path;

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
}
