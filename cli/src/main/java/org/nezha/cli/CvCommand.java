package org.nezha.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import org.nezha.core.InputException;
import org.nezha.core.cv.CrossValidationJob;

/** {@code nezha cv}: k-fold cross-validation of a fine-tuning, for every task. */
@Command(name = "cv", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "nezha cv --folds K --output DIR [--group-by KEY] [--stratify] [--seed S] [--threshold-search] [--overwrite] "
                + "-- FINETUNE_OPTIONS...",
        description = {"K-fold cross-validation of a fine-tuning (any --task: pair, single, ner, span, embedding): K fine-tunings, "
                + "each holding one fold of --train out as its dev set (which picks its best model).",
                "After --: the options of nezha finetune (--task, --init or --model-config/--vocab, --train, --epochs, --lr, tricks, "
                        + "--device, --threads, …) without --dev and --output, which cv sets per fold.",
                "Writes DIR/fold-N/ (N = 1..K: the fold's train and dev files in --train's format and extension — TSV and JSON "
                        + "Lines rows with the header, a column file's sentences as blocks of lines, a SQuAD file's questions in "
                        + "their paragraphs and articles — and the whole finetune output, the model in DIR/fold-N/best/); "
                        + "DIR/oof.EXT: every training example predicted by the model that did not train on it, in --train's "
                        + "order, as nezha predict writes that task's predictions: pair/single oof.csv (id,fold,gold,label,"
                        + "prob_<label>…), ner oof.jsonl (one line per sentence: text, entities, tags), span oof.json "
                        + "({\"question id\": \"answer\", …}), embedding oof.jsonl (id and similarity, or embedding); "
                        + "DIR/folds.tsv (example<TAB>fold: each training example, numbered from 1 in --train's order as oof's "
                        + "rows, and the fold that held it out); DIR/cv_summary.json (the selection metric — finetune's "
                        + "--metric, default the task's first — per fold on its held-out examples, their mean and population "
                        + "std, each fold's dev file and model, and all metrics of the out-of-fold predictions; with "
                        + "--threshold-search, at the threshold) and DIR/folds.png (each fold's dev metric per evaluation step).",
                "Folds: a seeded random split with sizes within one example (groups: as even as whole groups allow). "
                        + "--stratify keeps every label's count per fold within one of the others; --group-by keeps the examples "
                        + "that share a key's value in one fold; both together keep groups whole and spread the labels "
                        + "as evenly as whole groups allow (greedy, as scikit-learn's StratifiedGroupKFold)."})
final class CvCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--folds", required = true, paramLabel = "K", description = "Number of folds, at least 2 and at most the examples (or groups).")
    int folds;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output directory (must be empty unless --overwrite).")
    Path output;

    @Option(names = "--group-by", paramLabel = "KEY",
            description = "Keep the examples sharing this key's value in one fold. TSV: a column of the header row; JSON Lines "
                    + "(classification, embedding, ner): a field; SQuAD JSON (span): context (a paragraph's questions — "
                    + "recommended: questions of one paragraph split across folds let a model read the held-out passage) "
                    + "or title (an article's). NER column files have no named fields.")
    String groupBy;

    @Option(names = "--stratify", description = "Keep each label's share of every fold as in the whole file: pair and single "
            + "(the class label) and embedding files whose rows all carry a score (each score as written is a label); ner "
            + "and span examples have no single label.")
    boolean stratify;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed of the split into folds. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--threshold-search",
            description = "Binary pair/single classification: pick the threshold on P(second label) that maximises its F1 on the out-of-fold predictions, "
                    + "store it in every fold's best/config.json (nezha_threshold) and apply it to oof.csv and the scores "
                    + "(also taken from the finetune options).")
    boolean thresholdSearch;

    @Option(names = "--overwrite", description = "Write into a non-empty output directory: the fold directories, oof.EXT, "
            + "folds.tsv, cv_summary.json and folds.png are written over, and fold-N directories beyond --folds and oof files "
            + "of another extension (an earlier run's) are removed.")
    boolean overwrite;

    @Parameters(paramLabel = "FINETUNE_OPTIONS", description = "After --: nezha finetune's options without --dev and --output.")
    List<String> finetuneArgs = new ArrayList<>();

    @Override
    public Integer call() {
        for (String arg : finetuneArgs) {
            String name = arg.split("=", 2)[0];
            if (name.equals("--dev") || name.equals("--output")) {
                throw new InputException("cv: " + name + " is set per fold (DIR/fold-N/); leave it out of the finetune options");
            }
        }
        List<String> args = new ArrayList<>(finetuneArgs);
        args.addAll(List.of("--dev", "set-per-fold", "--output", "set-per-fold"));
        FinetuneCommand finetune;
        try {
            finetune = FinetuneCommand.parse(args);
        } catch (ParameterException e) {
            throw new InputException("cv: the finetune options after --: " + e.getMessage());
        }
        finetune.runtime.apply();
        CrossValidationJob.Settings s = new CrossValidationJob.Settings();
        s.folds = folds;
        s.output = output;
        s.groupBy = groupBy;
        s.stratify = stratify;
        s.seed = seed;
        s.overwrite = overwrite;
        s.finetune = finetune.settings();
        s.finetune.thresholdSearch |= thresholdSearch;
        CrossValidationJob.Result r;
        try (ConsoleProgress progress = ConsoleProgress.on(spec.commandLine().getErr())) {
            r = new CrossValidationJob(s, finetune.runtime.execution(), progress).run();
        }
        spec.commandLine().getOut().println(Summary.crossValidation(r));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
