package org.nezha.cli;

import picocli.CommandLine.Option;

import org.nezha.core.OptionChecks;
import org.nezha.core.pipeline.FineTunedModel;

/** How a fine-tuned model is fed (eval, predict, rerank): rows per batch and tokens per row. */
final class InferenceOptions {
    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "B", description = "Rows per batch. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--seq-len", paramLabel = "L",
            description = "Maximum tokens per row (classification: longest-first truncation; ner and span: longer texts are read in "
                    + "windows; embeddings: per text, cut). Default: model_max_length in the model's tokenizer_config.json (nezha finetune records its --seq-len "
                    + "there), else 128; at most the model's max_position_embeddings.")
    Integer seqLen;

    /** {@code --batch-size}, checked. */
    int batchSize() {
        OptionChecks.atLeast("--batch-size", batchSize, 1);
        return batchSize;
    }

    /** {@code --seq-len}, else what the model records. */
    int seqLen(FineTunedModel<?, ?, ?> loaded) {
        return seqLen != null ? seqLen : loaded.defaultSeqLen();
    }
}
