package org.nezha.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import org.nezha.core.pipeline.FineTunedModel;

/** {@code nezha eval}: scores a fine-tuned model on labelled data and prints the metrics as JSON. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a fine-tuned model on labelled data (same formats as finetune for its task).",
                "Prints JSON to standard output. pair/single: accuracy, macro precision/recall/F1, the positive class's "
                        + "precision/recall/F1 for two labels, per-class scores and the confusion matrix. ner: entity-level "
                        + "precision/recall/F1 (micro and per type, seqeval's rules) and token accuracy. span: CMRC 2018's "
                        + "exact match and F1.",
                "A label or tag the model does not know is an error naming its file and line."})
final class EvalCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec CommandSpec spec;

    @Mixin ModelOptions model;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Labelled examples to score.")
    Path data;

    @Mixin RuntimeOptions runtime;

    @Override
    public Integer call() throws Exception {
        runtime.apply();
        FineTunedModel<?, ?, ?> loaded = model.load(runtime);
        long start = System.nanoTime();
        Map<String, Object> metrics;
        try (ConsoleProgress progress = ConsoleProgress.on(spec.commandLine().getErr())) {
            metrics = loaded.evaluate(data, model.seqLen(loaded), model.batchSize, progress);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", model.model.toString());
        out.put("data", data.toString());
        out.put("task", loaded.task().name());
        out.putAll(metrics);
        out.put("seconds", seconds);
        spec.commandLine().getOut().println(JSON.writeValueAsString(out));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
