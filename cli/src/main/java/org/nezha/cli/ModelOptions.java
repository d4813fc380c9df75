package org.nezha.cli;

import java.nio.file.Path;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import org.nezha.core.pipeline.FineTunedModel;

/**
 * Options of the commands that run a fine-tuned model of any task (eval, predict). The model directory itself
 * is each command's own option: eval can do without one.
 */
final class ModelOptions {
    static final String MODEL_DESCRIPTION = "Fine-tuned model directory (e.g. the finetune output's best/).";

    @Option(names = "--task", paramLabel = "TASK", description = "pair, single, ner, span, embedding (or retrieval, for eval); default: what the model was fine-tuned for.")
    String task;

    @Mixin TaskOptionsMixin taskOptions;

    @Mixin InferenceOptions inference;

    FineTunedModel<?, ?, ?> load(Path model, RuntimeOptions runtime) {
        inference.batchSize();
        return FineTunedModel.load(model, runtime.execution(), task, taskOptions.options());
    }
}
