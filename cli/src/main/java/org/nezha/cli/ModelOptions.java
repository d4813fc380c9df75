package org.nezha.cli;

import java.nio.file.Path;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import org.nezha.core.OptionChecks;
import org.nezha.core.pipeline.FineTunedModel;

/** Options of the commands that run a fine-tuned model (eval, predict). */
final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Fine-tuned model directory (e.g. the finetune output's best/).")
    Path model;

    @Option(names = "--task", paramLabel = "TASK", description = "pair, single, ner or span; default: what the model was fine-tuned for.")
    String task;

    @Mixin TaskOptionsMixin taskOptions;

    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "B", description = "Rows per batch. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--seq-len", paramLabel = "L",
            description = "Maximum tokens per row (classification: longest-first truncation; ner and span: longer texts are read in "
                    + "windows). Default: model_max_length in the model's tokenizer_config.json (nezha finetune records its --seq-len "
                    + "there), else 128; at most the model's max_position_embeddings.")
    Integer seqLen;

    FineTunedModel<?, ?, ?> load(RuntimeOptions runtime) {
        OptionChecks.atLeast("--batch-size", batchSize, 1);
        return FineTunedModel.load(model, runtime.execution(), task, taskOptions.options());
    }

    /** {@code --seq-len}, else what the model records. */
    int seqLen(FineTunedModel<?, ?, ?> loaded) {
        return seqLen != null ? seqLen : loaded.defaultSeqLen();
    }
}
