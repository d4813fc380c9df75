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
import org.nezha.core.task.classification.ProbabilityEnsemble;

/** {@code nezha ensemble}: combines classifiers' class probabilities over one input. */
@Command(name = "ensemble", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predict with several fine-tuned pair/single classifiers of the same task and labels (cross-validation folds, "
                + "other architectures) and combine them; each model predicts the input in one pass, one model in memory at a time.",
                "Writes predict's CSV: id, label, prob_<label>… per input, in input order. mean: the average of the members' "
                        + "probabilities; weighted: their weighted average (--weights, normalised to sum 1); both label by the "
                        + "members' threshold when they all store the same one (cv --threshold-search), else the most probable label. "
                        + "vote: each member's own label (its threshold, if any) is a vote, the most votes win, a tie goes to the "
                        + "tied label of highest mean probability, and the prob_ columns are the vote shares."})
final class EnsembleCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--models", required = true, arity = "1..*", paramLabel = "DIR",
            description = "Fine-tuned model directories (e.g. DIR/fold-*/best of nezha cv); one model is that model's prediction.")
    List<Path> models;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "Examples to predict (formats as finetune's).")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT.csv",
            description = "Where to write the predictions: replaced whole; missing parent directories are created.")
    Path output;

    @Option(names = "--method", defaultValue = "mean", paramLabel = "METHOD", description = "mean, vote or weighted. Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--weights", arity = "1..*", paramLabel = "W", description = "--method weighted: one positive weight per model, in --models order.")
    double[] weights;

    @Mixin InferenceOptions inference;

    @Mixin RuntimeOptions runtime;

    @Override
    public Integer call() {
        runtime.apply();
        ProbabilityEnsemble ensemble = new ProbabilityEnsemble(ProbabilityEnsemble.method(method), weights, models.size());
        int batchSize = inference.batchSize();
        OutputPaths.requireWritableFile(output); // before the work, not after it
        long start = System.nanoTime();
        EnsemblePrediction.Result r;
        try (ConsoleProgress progress = ConsoleProgress.on(spec.commandLine().getErr())) {
            r = EnsemblePrediction.predict(models, input, output, ensemble, runtime.execution(), inference::seqLen, batchSize, progress);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        spec.commandLine().getOut().println(String.format(Locale.ROOT, "ensemble of %d %s models (%s): predicted %,d examples in %s -> %s",
                r.members(), r.task(), method.toLowerCase(Locale.ROOT), r.examples(), Summary.duration(seconds), output));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
