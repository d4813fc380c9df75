package org.nezha.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

import org.nezha.core.OptionChecks;
import org.nezha.core.data.TaskKind;
import org.nezha.core.pipeline.SequenceClassifier;

/** Options of the commands that run a fine-tuned classifier (eval, predict). */
final class ClassifierOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Fine-tuned model directory (e.g. the finetune output's best/).")
    Path model;

    @Option(names = "--task", paramLabel = "KIND", description = "pair or single; default: what the model was fine-tuned for.")
    String task;

    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "B", description = "Examples per batch. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--seq-len", paramLabel = "L",
            description = "Maximum tokens per example (longest-first truncation). Default: model_max_length in the model's "
                    + "tokenizer_config.json (nezha finetune records its --seq-len there), else 128; at most the model's "
                    + "max_position_embeddings.")
    Integer seqLen;

    SequenceClassifier load(RuntimeOptions runtime) {
        OptionChecks.atLeast("--batch-size", batchSize, 1);
        TaskKind kind = task == null ? null : Options.enumValue("--task", task, TaskKind.class);
        return SequenceClassifier.load(model, runtime.execution(), kind);
    }

    /** {@code --seq-len}, else what the model records. */
    int seqLen(SequenceClassifier loaded) {
        return seqLen != null ? seqLen : loaded.defaultSeqLen();
    }
}
