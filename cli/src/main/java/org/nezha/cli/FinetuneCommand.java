package org.nezha.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import org.nezha.core.pipeline.FinetuneJob;
import org.nezha.core.pipeline.TrainingTricks;

/** {@code nezha finetune}: sentence-pair or single-sentence classification. */
@Command(name = "finetune", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fine-tune a model for a task: sentence-pair or single-sentence classification, named-entity "
                + "recognition or extractive reading comprehension.",
                "Start from a pretrained model directory (--init; an MLM model gets a fresh task head) "
                        + "or from scratch (--model-config and --vocab).",
                "Data of pair/single: TSV with a header naming the columns (text_a/sentence1, text_b/sentence2, text/sentence, label, "
                        + "optional id), headerless TSV in LCQMC layout (text_a<TAB>text_b<TAB>label or text<TAB>label), "
                        + "or JSON Lines with the same field names; chosen by extension (.tsv/.txt, .jsonl/.json) and header. "
                        + "Pairs also as id||sentence1||sentence2||score per line in a .txt file (Chinese STS-B's layout, no tabs).",
                "Data of ner: one char<TAB>tag (or token<TAB>tag) per line, a blank line between sentences, tags in BIO, BIOES "
                        + "or BMES; or JSON Lines {\"text\", \"entities\": [{\"start\", \"end\", \"type\"}]} (end exclusive).",
                "Data of span: SQuAD v1.1 JSON as CMRC 2018 ships it (contexts longer than --seq-len are read in windows).",
                "Evaluates on --dev after every epoch (or every --eval-every steps) and keeps the best model in DIR/best/ "
                        + "(labels in its config.json as id2label/label2id), its scores in DIR/dev_metrics.json, "
                        + "the run in DIR/metrics.jsonl and DIR/loss.png, its settings and tricks in DIR/training_args.json."})
final class FinetuneCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--task", required = true, paramLabel = "TASK",
            description = "pair (two texts per example), single (one text), ner (tags per character) or span (answers in a context).")
    String task;

    @Mixin TaskOptionsMixin taskOptions;

    @ArgGroup(exclusive = false, multiplicity = "0..1")
    StartingPoint start = new StartingPoint();

    static final class StartingPoint {
        @Option(names = "--init", paramLabel = "MODEL_DIR", description = "Pretrained or fine-tuned model directory to start from.")
        Path init;

        @Option(names = "--model-config", paramLabel = "FILE", description = "Train from scratch with this HF config.json (needs --vocab).")
        Path modelConfig;

        @Option(names = "--vocab", paramLabel = "FILE", description = "vocab.txt for --model-config.")
        Path vocab;
    }

    @Option(names = "--train", required = true, paramLabel = "FILE", description = "Training examples.")
    Path train;

    @Option(names = "--dev", required = true, paramLabel = "FILE", description = "Development examples: picks the best model.")
    Path dev;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output directory (must be empty unless --overwrite).")
    Path output;

    @Option(names = "--epochs", defaultValue = "3", paramLabel = "E", description = "Passes over the training data. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--max-steps", defaultValue = "0", paramLabel = "N", description = "Stop after N updates instead (0 = use --epochs). Default: ${DEFAULT-VALUE}.")
    long maxSteps;

    @Option(names = "--batch-size", defaultValue = "32", paramLabel = "B", description = "Examples per micro-batch, per process. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--seq-len", paramLabel = "L",
            description = "Maximum tokens per row: pair/single truncate longest-first, ner and span read longer texts in windows. "
                    + "Default: 128 (span: 384, as HF's run_qa.py).")
    int seqLen;

    @Option(names = "--lr", defaultValue = "2e-5", paramLabel = "X", description = "Peak learning rate. Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--warmup-ratio", defaultValue = "0.1", paramLabel = "R",
            description = "Fraction of the updates spent warming up linearly from 0, then --scheduler's decay. Default: ${DEFAULT-VALUE}.")
    double warmupRatio;

    @Option(names = "--scheduler", defaultValue = "linear", paramLabel = "NAME",
            description = "Learning rate after warmup, as HF's schedules: linear (to 0), cosine (half a cosine to 0), "
                    + "constant, or poly ((1 − progress)^--poly-power down to 1e-7, HF's lr_end). Default: ${DEFAULT-VALUE}.")
    String scheduler;

    @Option(names = "--poly-power", paramLabel = "P", description = "The power of --scheduler poly. Default: 1.0.")
    Double polyPower;

    @Option(names = "--optimizer", defaultValue = "adamw", paramLabel = "NAME",
            description = "adamw (decoupled weight decay), adam (L2 weight decay added to the gradient, as torch.optim.Adam), "
                    + "adagrad (torch.optim.Adagrad: lr_decay 0, initial accumulator 0, L2 weight decay) or lamb. "
                    + "Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--epsilon", paramLabel = "X", description = "The optimizer's ε. Default: 1e-8 (adagrad: 1e-10, torch's).")
    Double epsilon;

    @Option(names = "--weight-decay", defaultValue = "0.01", paramLabel = "X",
            description = "Weight decay (not on biases and LayerNorm): decoupled for adamw and lamb, L2 for adam and adagrad. Default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--layerwise-lr-decay", defaultValue = "1.0", paramLabel = "R",
            description = "Layer-wise learning-rate decay in (0, 1]: the top encoder layer trains at --lr, each layer below at R "
                    + "times the one above, the embeddings at --lr × R^L (L layers; ALBERT: its layer groups, one shared group "
                    + "counting as one layer). The pooler and task head train at --lr (or --head-lr). Default: ${DEFAULT-VALUE} (none).")
    double layerwiseLrDecay;

    @Option(names = "--head-lr", paramLabel = "X",
            description = "Peak learning rate of the task head (classifier, qa_outputs, crf, pooler), which follows the same schedule. "
                    + "Default: --lr.")
    Double headLr;

    @Option(names = "--freeze-embeddings",
            description = "Do not train the word, position and token-type embeddings and their LayerNorm.")
    boolean freezeEmbeddings;

    @Option(names = "--loss", defaultValue = "ce", paramLabel = "NAME",
            description = "ce (cross-entropy), focal (Lin et al.: −α_t(1 − p)^γ log p), dice (Li et al. 2020's "
                    + "soft dice of each example's gold class, 1 − (2p + 1)/(p + 2)) or label-smoothing (torch's): over the labels "
                    + "of pair/single, each scored token's tags for ner (averaged per sentence as its cross-entropy; not with "
                    + "--crf, whose loss is the tag chain's likelihood), the start and the end positions for span. "
                    + "Default: ${DEFAULT-VALUE}.")
    String loss;

    @Option(names = "--focal-gamma", paramLabel = "G", description = "γ of --loss focal (0: cross-entropy). Default: 2.")
    Double focalGamma;

    @Option(names = "--focal-alpha", paramLabel = "A",
            description = "α of --loss focal for a binary pair/single task: the second label (index 1, the positive class) "
                    + "weighs α, the first 1 − α. Default: none (both 1).")
    Double focalAlpha;

    @Option(names = "--label-smoothing", paramLabel = "E", description = "ε of --loss label-smoothing, in [0, 1). Default: 0.1.")
    Double labelSmoothing;

    @Option(names = "--class-weights", paramLabel = "FILE|balanced",
            description = "pair/single: weigh each example's loss by its label's weight; ner: each scored token's by its "
                    + "tag's (O, B-PER, …): balanced (n_samples / (n_classes × count), scikit-learn's rule, counting examples or "
                    + "scored tokens; a tag no training token has weighs 1) or a file of label<TAB>weight lines naming every "
                    + "training label (tag) once. The batch loss stays the mean over examples (tokens per sentence), not "
                    + "divided by the weights' sum. Not with --crf. For ner, balanced gives rare tags weights in the hundreds, "
                    + "which halved entity F1 in docs/TRICKS.md: prefer a file of gentler weights or --loss focal.")
    String classWeights;

    @Option(names = "--adversarial", paramLabel = "fgm|pgd",
            description = "Adversarial training on the word embeddings E, after each micro-batch's backward: fgm (one more pass "
                    + "at E + ε·g/‖g‖, g its gradient, ‖·‖ the whole matrix's L2 norm) or pgd (--pgd-steps steps of "
                    + "α·g/‖g‖, each kept within ‖δ‖ ≤ ε; only the last step's gradients are added). The perturbed loss's "
                    + "gradients add to the clean ones and E is restored exactly. Every task; not with --freeze-embeddings. "
                    + "Default: none.")
    String adversarial;

    @Option(names = "--adv-epsilon", paramLabel = "E", description = "ε of --adversarial. Default: 1.0.")
    Double advEpsilon;

    @Option(names = "--pgd-steps", paramLabel = "K", description = "Steps of --adversarial pgd. Default: 3.")
    Integer pgdSteps;

    @Option(names = "--pgd-alpha", paramLabel = "A", description = "Each step's size α of --adversarial pgd. Default: 0.3.")
    Double pgdAlpha;

    @Option(names = "--ema", paramLabel = "D",
            description = "Keep an exponential moving average of the weights, shadow = D·shadow + (1 − D)·θ after every update "
                    + "(D in (0, 1), e.g. 0.999): dev evaluation and best/ use the average, training goes on with the raw "
                    + "weights; checkpoints hold both. Default: none.")
    Double ema;

    @Option(names = "--multi-sample-dropout", defaultValue = "1", paramLabel = "N",
            description = "pair/single/ner/span: in training, pass the output layer's input (classifier, qa_outputs) through "
                    + "N dropout masks and the shared layer, the loss the mean of the N losses (evaluation unchanged). The span "
                    + "head, which has no dropout there (HF's), draws its N masks at the config's classifier dropout rate "
                    + "(classifier_dropout, else hidden_dropout_prob). Not embedding. Default: ${DEFAULT-VALUE} (off).")
    int multiSampleDropout;

    @Option(names = "--rdrop", paramLabel = "ALPHA",
            description = "R-Drop (Liang et al. 2021): each batch runs twice with its own dropout masks (as one forward over the "
                    + "batch's rows twice), loss = the mean of the two losses + ALPHA × ½(KL(P‖Q) + KL(Q‖P)) between their "
                    + "predictions (pair/single: the classes; ner: each scored token's tags; span: the start and end "
                    + "positions). Not with --multi-sample-dropout. Default: none.")
    Double rdrop;

    @Option(names = "--grad-accum", defaultValue = "1", paramLabel = "N", description = "Micro-batches per update. Default: ${DEFAULT-VALUE}.")
    int gradAccum;

    @Option(names = "--max-grad-norm", defaultValue = "1.0", paramLabel = "X", description = "Clip the global gradient norm (0 = off). Default: ${DEFAULT-VALUE}.")
    double maxGradNorm;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed for the head's initialisation, shuffling and dropout. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--log-every", defaultValue = "20", paramLabel = "N", description = "Write a metrics.jsonl line every N updates. Default: ${DEFAULT-VALUE}.")
    int logEvery;

    @Option(names = "--eval-every", defaultValue = "0", paramLabel = "N", description = "Evaluate on dev every N updates (0 = every epoch). Default: ${DEFAULT-VALUE}.")
    int evalEvery;

    @Option(names = "--metric", paramLabel = "NAME",
            description = "Dev metric that picks the best model: pair/single accuracy (default), macro_f1 or positive_f1; "
                    + "ner f1 (default), precision, recall or token_accuracy; span f1 (default) or em.")
    String metric;

    @Option(names = "--threshold-search",
            description = "Binary pair/single only: after training, pick the threshold on P(second label) that maximises that "
                    + "label's F1 on the best model's dev predictions and store it in best/config.json (nezha_threshold); "
                    + "predict and eval then label an example positive iff its probability is at least the threshold.")
    boolean thresholdSearch;

    @Option(names = "--checkpoint-every", defaultValue = "0", paramLabel = "N",
            description = "Write a resumable checkpoint-N directory every N updates (0 = none). Default: ${DEFAULT-VALUE}.")
    int checkpointEvery;

    @Option(names = "--keep-checkpoints", defaultValue = "2", paramLabel = "N", description = "Keep the newest N checkpoints (0 = all). Default: ${DEFAULT-VALUE}.")
    int keepCheckpoints;

    @Option(names = "--overwrite", description = "Replace the contents of a non-empty output directory.")
    boolean overwrite;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue from a checkpoint-N directory of an earlier run with the same data, config and options: "
                    + "weights, optimizer state, step, data position, fp16 loss scale and the random states; the "
                    + "checkpoint's training_args.json must name the same tricks (--loss, --scheduler, …). "
                    + "With --output the earlier run's directory, its best model stays the one to beat and its "
                    + "metrics.jsonl keeps the records up to the checkpoint.")
    Path resume;

    @Mixin RuntimeOptions runtime;

    /** The options as given, for {@code cv}, which fills in --dev and --output per fold. */
    static FinetuneCommand parse(List<String> args) {
        FinetuneCommand command = new FinetuneCommand();
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
        return command;
    }

    @Override
    public Integer call() {
        runtime.apply();
        FinetuneJob.Result r;
        try (ConsoleProgress progress = ConsoleProgress.on(spec.commandLine().getErr())) {
            r = new FinetuneJob(settings(), runtime.execution(), progress).run();
        }
        if (r.bestModelDir() != null) spec.commandLine().getOut().println(Summary.finetuning(r)); // rank 0 speaks for all
        spec.commandLine().getOut().flush();
        return 0;
    }

    FinetuneJob.Settings settings() {
        FinetuneJob.Settings s = new FinetuneJob.Settings();
        s.task = task;
        s.taskOptions = taskOptions.options();
        s.init = start.init;
        s.modelConfig = start.modelConfig;
        s.vocab = start.vocab;
        s.train = train;
        s.dev = dev;
        s.output = output;
        s.epochs = epochs;
        s.maxSteps = maxSteps;
        s.batchSize = batchSize;
        s.seqLen = seqLen;
        s.learningRate = lr;
        s.warmupRatio = warmupRatio;
        s.optimizer = optimizer;
        s.tricks = new TrainingTricks(loss, focalGamma, focalAlpha, labelSmoothing, classWeights, scheduler, polyPower,
                layerwiseLrDecay, headLr, freezeEmbeddings, adversarial, advEpsilon, pgdSteps, pgdAlpha, ema,
                multiSampleDropout, rdrop);
        s.epsilon = epsilon;
        s.weightDecay = weightDecay;
        s.gradientAccumulation = gradAccum;
        s.maxGradNorm = maxGradNorm;
        s.seed = seed;
        s.logEvery = logEvery;
        s.evalEvery = evalEvery;
        s.metric = metric;
        s.checkpointEvery = checkpointEvery;
        s.keepCheckpoints = keepCheckpoints;
        s.overwrite = overwrite;
        s.resume = resume;
        s.thresholdSearch = thresholdSearch;
        return s;
    }
}
