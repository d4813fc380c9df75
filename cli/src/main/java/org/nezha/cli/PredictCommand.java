package org.nezha.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import org.nezha.core.io.OutputPaths;
import org.nezha.core.pipeline.FineTunedModel;

/** {@code nezha predict}: runs a fine-tuned model over unlabelled (or labelled) data. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predict with a fine-tuned model (input formats as finetune for its task; gold answers are ignored).",
                "pair/single write CSV with one row per input, in input order: id (the input's id column, else the example's "
                        + "number, from 1), the predicted label (by the model's stored nezha_threshold on P(second label) if it has one, "
                        + "see finetune --threshold-search, else the most probable) and one prob_<label> column per label. ner writes JSON Lines, one "
                        + "line per input in input order: the text and its entities (type, start, end exclusive, text). span writes "
                        + "{\"question id\": \"answer\", …} as CMRC 2018's evaluation script reads it."})
final class PredictCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = ModelOptions.MODEL_DESCRIPTION)
    Path modelDir;

    @Mixin ModelOptions model;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "Examples to predict.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT",
            description = "Where to write the predictions: replaced whole (a temporary file is renamed over it); "
                    + "missing parent directories are created.")
    Path output;

    @Mixin RuntimeOptions runtime;

    @Override
    public Integer call() {
        runtime.apply();
        OutputPaths.requireWritableFile(output); // before the work, not after it
        FineTunedModel<?, ?, ?> loaded = model.load(modelDir, runtime);
        long start = System.nanoTime();
        int examples;
        try (ConsoleProgress progress = ConsoleProgress.on(spec.commandLine().getErr())) {
            examples = predictAndWrite(loaded, progress);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        spec.commandLine().getOut().println(String.format(Locale.ROOT, "predicted %,d examples in %s (%,.0f examples/s) -> %s",
                examples, Summary.duration(seconds), examples / seconds, output));
        spec.commandLine().getOut().flush();
        return 0;
    }

    private <X, M, P> int predictAndWrite(FineTunedModel<X, M, P> loaded, ConsoleProgress progress) {
        FineTunedModel.Predicted<X, P> predicted = loaded.predict(input, false, model.inference.seqLen(loaded),
                model.inference.batchSize(), "predict", progress);
        OutputPaths.createDirectory(output.toAbsolutePath().getParent());
        loaded.write(output, predicted);
        return predicted.examples().size();
    }
}
