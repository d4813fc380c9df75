package org.nezha.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import org.nezha.core.data.TaskDataReader;
import org.nezha.core.data.TaskExample;
import org.nezha.core.metrics.ClassificationMetrics;
import org.nezha.core.pipeline.SequenceClassifier;

/** {@code nezha eval}: scores a fine-tuned classifier on labelled data and prints the metrics as JSON. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a fine-tuned classifier on labelled data (same formats as finetune).",
                "Prints JSON to standard output: accuracy, macro precision/recall/F1, the positive class's "
                        + "precision/recall/F1 for two labels, per-class scores and the confusion matrix.",
                "A label the model does not know is an error naming its file and line."})
final class EvalCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec CommandSpec spec;

    @Mixin ClassifierOptions classifier;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Labelled examples to score.")
    Path data;

    @Mixin RuntimeOptions runtime;

    @Override
    public Integer call() throws Exception {
        runtime.apply();
        SequenceClassifier model = classifier.load(runtime);
        List<TaskExample> examples = TaskDataReader.read(data, model.kind());
        long start = System.nanoTime();
        ClassificationMetrics metrics;
        try (ConsoleProgress progress = ConsoleProgress.on(spec.commandLine().getErr())) {
            metrics = model.evaluate(examples, classifier.seqLen(model), classifier.batchSize, progress);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", classifier.model.toString());
        out.put("data", data.toString());
        out.putAll(metrics.toMap(model.labels().labels()));
        out.put("examples_per_s", examples.size() / seconds);
        spec.commandLine().getOut().println(JSON.writeValueAsString(out));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
