package org.nezha.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import org.nezha.core.InputException;
import org.nezha.core.OptionChecks;
import org.nezha.core.io.OutputPaths;
import org.nezha.core.pipeline.FineTunedModel;
import org.nezha.core.pipeline.FinetuneJob;
import org.nezha.core.pipeline.JsonFiles;
import org.nezha.core.pipeline.PretrainJob;
import org.nezha.core.pipeline.Progress;
import org.nezha.core.task.TaskOptions;
import org.nezha.core.train.LearningRateSchedule;

/**
 * {@code nezha quickstart}: the whole engine on the bundled data in minutes — pretrain a tiny NEZHA on
 * real Chinese text, fine-tune it for sentiment, named entities and question matching, evaluate and
 * predict each, and show every score next to what a trivial predictor gets.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The whole engine on the bundled data in minutes: pretrain, fine-tune three tasks, evaluate, predict.",
                "Pretrains a tiny NEZHA on the bundled Chinese corpus (data/corpus) with AdamW (NEZHA's LAMB recipe, "
                        + "the pretrain default, is made for runs of 100k+ steps), then fine-tunes it three times, keeping "
                        + "the evaluation that scores best on each dev set: review sentiment (data/chnsenticorp, single "
                        + "texts), named entities in résumés (data/ner_resume, BMES tags) and AFQMC question matching "
                        + "(data/afqmc, pairs; the honest hard case: a model this small stays near the majority class). "
                        + "Each best model is evaluated on its dev set (a dev score: the dev set chose it) and predicts "
                        + "it to a file; the summary puts every score next to its trivial baseline (majority class, "
                        + "all-O tags).",
                "The same steps by hand: nezha pretrain, nezha finetune --init OUT/pretrain/model, nezha eval, nezha predict."})
final class QuickstartCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "The bundled data (default: data/ of the NEZHA checkout).")
    Path dataDir;

    @Option(names = "--output", defaultValue = "quickstart-output", paramLabel = "DIR", description = "Where everything goes (replaced if it exists). Default: ${DEFAULT-VALUE}.")
    Path output;

    @Option(names = "--pretrain-steps", defaultValue = "400", paramLabel = "N", description = "Pretraining updates (batch 32 × 128 tokens). Default: ${DEFAULT-VALUE}.")
    long pretrainSteps;

    @Option(names = "--finetune-epochs", defaultValue = "2", paramLabel = "E",
            description = "Fine-tuning epochs for sentiment and NER (AFQMC gets one). Default: ${DEFAULT-VALUE}.")
    int finetuneEpochs;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed for every run. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin RuntimeOptions runtime;

    /** One fine-tuning of the quickstart: the task, its data, its length, and what its summary row calls it. */
    private record Step(String title, String task, String folder, String train, String dev, int seqLen, int epochs, String metric,
                        String output) {}

    /** A finished step: the fine-tuning, and the evaluation of its best model with where it went. */
    private record Outcome(Step step, FinetuneJob.Result finetuned, Map<String, Object> evaluation, Path evalJson, Path predictions) {}

    @Override
    public Integer call() {
        runtime.apply();
        OptionChecks.atLeast("--pretrain-steps", pretrainSteps, 1);
        OptionChecks.atLeast("--finetune-epochs", finetuneEpochs, 1);
        OutputPaths.requireUsableDirectory(output, true);
        Path data = dataDir != null ? dataDir : Path.of(System.getProperty("nezha.home", ".")).resolve("data");
        for (String folder : List.of("corpus", "chnsenticorp", "ner_resume", "afqmc")) {
            if (!Files.isDirectory(data.resolve(folder))) {
                throw InputException.in(data, "bundled data not found (no " + folder + "/; pass --data-dir pointing at the checkout's data/)");
            }
        }
        try (ConsoleProgress progress = ConsoleProgress.on(spec.commandLine().getErr())) {
            return runAll(data, progress);
        }
    }

    private int runAll(Path data, ConsoleProgress progress) {
        long start = System.nanoTime();
        List<Step> steps = List.of(
                new Step("sentiment (ChnSentiCorp)", "single", "chnsenticorp", "train.tsv", "dev.tsv", 128, finetuneEpochs, "accuracy",
                        "predictions.csv"),
                new Step("named entities (Resume NER)", "ner", "ner_resume", "train.bmes", "dev.bmes", 128, finetuneEpochs, "f1",
                        "predictions.jsonl"),
                new Step("question matching (AFQMC)", "pair", "afqmc", "train.tsv", "dev.tsv", 64, 1, "macro_f1", "predictions.csv"));

        progress.info("== 1/" + (steps.size() + 1) + " pretraining a tiny NEZHA (masked LM) on " + data.resolve("corpus"));
        PretrainJob.Result pretrained = new PretrainJob(pretraining(data), runtime.execution(), progress).run();
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            progress.info("== " + (i + 2) + "/" + (steps.size() + 1) + " fine-tuning it for " + step.title() + ", then evaluating "
                    + "and predicting its dev set with the best model");
            outcomes.add(finetuneAndEvaluate(step, data, pretrained.modelDir(), progress));
        }

        PrintWriter out = spec.commandLine().getOut();
        out.println();
        out.println(Summary.pretraining(pretrained));
        for (Outcome o : outcomes) out.println(Summary.finetuning(o.finetuned()));
        out.println();
        out.println("quickstart results on the dev sets (each dev set also picked its model, so the scores are optimistic):");
        out.println(String.format(Locale.ROOT, "  %-30s %-10s %8s %18s", "task", "metric", "model", "trivial baseline"));
        for (Outcome o : outcomes) {
            String metric = o.step().metric();
            out.println(String.format(Locale.ROOT, "  %-30s %-10s %8.4f %18.4f   -> %s, %s", o.step().title(), metric,
                    Summary.number(o.evaluation(), metric), Summary.number(o.finetuned().devBaselineMetrics(), metric),
                    o.evalJson(), o.predictions()));
        }
        out.println("  (trivial baselines: the majority class; all-O tags, which find no entity)");
        out.println(String.format(Locale.ROOT, "quickstart finished in %s; everything is under %s",
                Summary.duration((System.nanoTime() - start) / 1e9), output.toAbsolutePath()));
        out.flush();
        return 0;
    }

    private PretrainJob.Settings pretraining(Path data) {
        PretrainJob.Settings p = new PretrainJob.Settings();
        p.modelConfig = data.resolve("configs/nezha-tiny.json");
        p.vocab = data.resolve("vocab/vocab.txt");
        p.train = List.of(data.resolve("corpus/cluecorpussmall_sample.txt"), data.resolve("corpus/debian_docs_zh.txt"));
        p.output = output.resolve("pretrain");
        p.maxSteps = pretrainSteps;
        p.batchSize = 32;
        p.seqLen = 128;
        p.learningRate = 1e-3;
        p.warmupSteps = Math.max(1, pretrainSteps / 10);
        // tuned for a run of minutes of the tiny model (NEZHA's LAMB recipe is for full-length pretraining)
        p.optimizer = "adamw";
        p.epsilon = 1e-6;
        p.decay = LearningRateSchedule.Decay.LINEAR;
        p.seed = seed;
        p.overwrite = true;
        return p;
    }

    private Outcome finetuneAndEvaluate(Step step, Path data, Path pretrained, Progress progress) {
        Path folder = data.resolve(step.folder());
        Path runDir = output.resolve(step.folder());
        FinetuneJob.Settings f = new FinetuneJob.Settings();
        f.task = step.task();
        f.init = pretrained;
        f.train = folder.resolve(step.train());
        f.dev = folder.resolve(step.dev());
        f.output = runDir.resolve("finetune");
        f.epochs = step.epochs();
        f.batchSize = 32;
        f.seqLen = step.seqLen();
        f.learningRate = 2e-4;
        f.metric = step.metric();
        f.seed = seed;
        f.logEvery = 20;
        f.overwrite = true;
        FinetuneJob.Result finetuned = new FinetuneJob(f, runtime.execution(), progress).run();

        FineTunedModel<?, ?, ?> model = FineTunedModel.load(finetuned.bestModelDir(), runtime.execution(), null, TaskOptions.DEFAULTS);
        Map<String, Object> evaluation = model.evaluate(f.dev, f.seqLen, 64, progress);
        Path evalJson = runDir.resolve("eval.json");
        JsonFiles.write(evalJson, evaluation);
        Path predictions = runDir.resolve(step.output());
        predictInto(model, f.dev, f.seqLen, predictions, progress);
        return new Outcome(step, finetuned, evaluation, evalJson, predictions);
    }

    private static <X, M, P> void predictInto(FineTunedModel<X, M, P> model, Path input, int seqLen, Path out, Progress progress) {
        model.write(out, model.predict(input, false, seqLen, 64, "predict", progress));
    }
}
