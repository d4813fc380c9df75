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

import org.nezha.core.InputException;
import org.nezha.core.io.AtomicFiles;
import org.nezha.core.io.OutputPaths;
import org.nezha.core.pipeline.FineTunedModel;

/** {@code nezha eval}: scores a fine-tuned model on labelled data, or a retrieval run against qrels, and prints the metrics as JSON. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a fine-tuned model on labelled data (same formats as finetune for its task), or retrieval against "
                + "relevance judgements: --task retrieval --qrels FILE with --run RESULTS (search or rerank output, no model), "
                + "--index INDEX --queries FILE (searched with the index's model), or --model DIR --queries FILE --corpus FILE "
                + "(an embedding model, exact search).",
                "Prints JSON to standard output. pair/single: accuracy, macro precision/recall/F1, the positive class's "
                        + "precision/recall/F1 for two labels, per-class scores, the confusion matrix and, for a model that stores "
                        + "one (finetune --threshold-search), the threshold its labels were decided by. ner: entity-level "
                        + "precision/recall/F1 (micro and per type, seqeval's rules) and token accuracy. span: CMRC 2018's "
                        + "exact match and F1. embedding: Spearman and Pearson correlation of the pairs' cosine with "
                        + "their score. retrieval: recall@1/5/10/50, MRR@10 and nDCG@10 (trec_eval's definitions) "
                        + "averaged over the queries with a relevant document, a query of the qrels missing from the run "
                        + "scoring 0, and the counts: queries, run queries without a relevant document (left out), hits "
                        + "ignored for having their query's id.",
                "A label or tag the model does not know is an error naming its file and line."})
final class EvalCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = ModelOptions.MODEL_DESCRIPTION + " With --task retrieval: the embedding model (not with --run).")
    Path modelDir;

    @Mixin ModelOptions model;

    @Option(names = "--data", paramLabel = "FILE", description = "Labelled examples to score (all tasks but retrieval).")
    Path data;

    @Mixin RetrievalEvalOptions retrieval;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Also write the printed JSON here (replaced whole; missing parent directories are created).")
    Path output;

    @Mixin RuntimeOptions runtime;

    @Override
    public Integer call() throws Exception {
        runtime.apply();
        if (output != null) OutputPaths.requireWritableFile(output); // before the work, not after it
        Map<String, Object> out = RetrievalEvalOptions.TASK.equals(model.task) ? evaluateRun() : evaluateModel();
        String json = JSON.writeValueAsString(out);
        if (output != null) {
            OutputPaths.createDirectory(output.toAbsolutePath().getParent());
            AtomicFiles.writeString(output, json + "\n");
        }
        spec.commandLine().getOut().println(json);
        spec.commandLine().getOut().flush();
        return 0;
    }

    private Map<String, Object> evaluateRun() {
        if (data != null) throw new InputException("--task retrieval scores rankings against --qrels; it takes no --data");
        long start = System.nanoTime();
        Map<String, Object> out;
        try (ConsoleProgress progress = ConsoleProgress.on(spec.commandLine().getErr())) {
            out = retrieval.evaluate(modelDir, new TextEmbedder(model.taskOptions.pooling, model.inference, true), runtime, progress);
        }
        out.put("seconds", (System.nanoTime() - start) / 1e9);
        return out;
    }

    private Map<String, Object> evaluateModel() {
        if (retrieval.anyGiven()) throw new InputException("--run, --index, --queries, --corpus and --qrels are for --task retrieval");
        if (modelDir == null) throw new InputException("Missing required option: '--model=DIR'");
        if (data == null) throw new InputException("Missing required option: '--data=FILE'");
        FineTunedModel<?, ?, ?> loaded = model.load(modelDir, runtime);
        long start = System.nanoTime();
        Map<String, Object> metrics;
        try (ConsoleProgress progress = ConsoleProgress.on(spec.commandLine().getErr())) {
            metrics = loaded.evaluate(data, model.inference.seqLen(loaded), model.inference.batchSize(), progress);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", modelDir.toString());
        out.put("data", data.toString());
        out.put("task", loaded.task().name());
        out.putAll(metrics);
        out.put("seconds", (System.nanoTime() - start) / 1e9);
        return out;
    }
}
