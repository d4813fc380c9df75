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

import org.nezha.core.io.OutputPaths;
import org.nezha.core.pipeline.EnsemblePrediction;
import org.nezha.core.task.Ensembling;

/** {@code nezha ensemble}: combines fine-tuned models' predictions of one input, as their task combines them. */
@Command(name = "ensemble", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predict with several fine-tuned models of the same task and labels (pair, single, ner or span: cross-validation "
                + "folds, other architectures or vocabularies) and combine them; each model predicts the input in one pass, one model in "
                + "memory at a time. Writes what predict writes for the task. --weights are one positive weight per model, normalised "
                + "to sum 1; without them every model weighs the same.",
                "pair/single (CSV: id, label, prob_<label>…): mean averages the members' probabilities, weighted averages them with "
                        + "--weights; both label by the members' threshold when they all store the same one (cv --threshold-search), "
                        + "else the most probable label. vote: each member's own label (its threshold, if any) is a vote, the most votes "
                        + "win, a tie goes to the tied label of highest mean probability, and the prob_ columns are the vote shares.",
                "ner (JSON Lines of entities and tags), combined per word of the input, never per token: vote keeps an entity (first "
                        + "word, last word, type) that members weighing more than half of all predict (a tie is not kept); weighted is "
                        + "that vote with --weights; kept entities that overlap are settled by more votes, then the earlier start, "
                        + "then the longer; the tags are the kept entities in the members' scheme. mean averages the members' per-word "
                        + "tag distributions (softmax at each word's scoring token) and decodes them as a model without a CRF: the "
                        + "most probable path the tag scheme allows. Models with a CRF take vote or weighted only (their scores are not "
                        + "distributions).",
                "span (CMRC 2018 JSON {\"question id\": \"answer\"}), combined as character spans of the context: each member's "
                        + "--n-best best answers over all windows with their probabilities (softmax of their scores over that list, "
                        + "HF's postprocess_qa_predictions); mean sums each span's probabilities over the members, weighted sums them "
                        + "times --weights, and the highest sum wins. vote: each member's answer is a vote, the most votes win, a tie "
                        + "goes to the higher summed probability. --doc-stride, --max-query-length, --max-answer-length and --n-best "
                        + "apply to every member, as predict takes them.",
                "Sentence-embedding models are not ensembled."})
final class EnsembleCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--models", required = true, arity = "1..*", paramLabel = "DIR",
            description = "Fine-tuned model directories (e.g. DIR/fold-*/best of nezha cv); a single model gives that "
                    + "model's own prediction.")
    List<Path> models;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "Examples to predict (formats as finetune's for the task; gold answers are ignored).")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT",
            description = "Where to write the predictions: replaced whole; missing parent directories are created.")
    Path output;

    @Option(names = "--method", defaultValue = "mean", paramLabel = "METHOD",
            description = "mean, vote or weighted (pair, single, span: a weighted mean; ner: a weighted vote), as above. Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--weights", arity = "1..*", paramLabel = "W", description = "--method weighted (and only it): one positive weight per model, in --models order.")
    double[] weights;

    @Mixin InferenceOptions inference;

    @Mixin SpanOptionsMixin span;

    @Mixin RuntimeOptions runtime;

    @Override
    public Integer call() {
        runtime.apply();
        Ensembling ensembling = Ensembling.of(Ensembling.method(method), weights, models.size());
        int batchSize = inference.batchSize();
        OutputPaths.requireWritableFile(output); // before the work, not after it
        long start = System.nanoTime();
        EnsemblePrediction.Result r;
        try (ConsoleProgress progress = ConsoleProgress.on(spec.commandLine().getErr())) {
            r = EnsemblePrediction.predict(models, input, output, ensembling, span.options(), runtime.execution(), inference::seqLen,
                    batchSize, progress);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        spec.commandLine().getOut().println(String.format(Locale.ROOT, "ensemble of %d %s models (%s): predicted %,d examples in %s -> %s",
                r.members(), r.task(), method.toLowerCase(Locale.ROOT), r.examples(), Summary.duration(seconds), output));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
