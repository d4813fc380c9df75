package org.nezha.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import org.nezha.core.data.TaskDataReader;
import org.nezha.core.data.TaskExample;
import org.nezha.core.io.OutputPaths;
import org.nezha.core.pipeline.PredictionCsv;
import org.nezha.core.pipeline.SequenceClassifier;

/** {@code nezha predict}: labels unlabelled (or labelled) data with a fine-tuned classifier. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predict labels with a fine-tuned classifier (input formats as finetune; a label column is ignored).",
                "Writes CSV with one row per input, in input order: id (the input's id column, else the example's number, from 1), "
                        + "the predicted label and one prob_<label> column per label."})
final class PredictCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ClassifierOptions classifier;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "Examples to label.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT.csv",
            description = "Where to write the predictions: replaced whole (a temporary file is renamed over it); "
                    + "missing parent directories are created.")
    Path output;

    @Mixin RuntimeOptions runtime;

    @Override
    public Integer call() {
        runtime.apply();
        OutputPaths.requireWritableFile(output); // before the work, not after it
        SequenceClassifier model = classifier.load(runtime);
        List<TaskExample> examples = TaskDataReader.read(input, model.kind());
        long start = System.nanoTime();
        SequenceClassifier.Predictions predictions;
        try (ConsoleProgress progress = ConsoleProgress.on(spec.commandLine().getErr())) {
            predictions = model.predict(examples, classifier.seqLen(model), classifier.batchSize, progress);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        PredictionCsv.write(output, examples, predictions, model.labels());
        spec.commandLine().getOut().println(String.format(Locale.ROOT, "predicted %,d examples in %s (%,.0f examples/s) -> %s",
                examples.size(), Summary.duration(seconds), examples.size() / seconds, output));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
