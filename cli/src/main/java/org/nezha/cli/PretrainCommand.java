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

import org.nezha.core.corpus.WordBoundaries;
import org.nezha.core.data.MaskingScheme;
import org.nezha.core.pipeline.PretrainJob;
import org.nezha.core.train.LearningRateSchedule;

/** {@code nezha pretrain}: masked-LM pretraining from scratch on a BERT-format corpus. */
@Command(name = "pretrain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Pretrain a NEZHA (or BERT) masked language model from scratch.",
                "The corpus is Google BERT's create_pretraining_data format: UTF-8, one sentence per line, "
                        + "a blank line between documents: text files (--train, tokenized at start-up) or the shards "
                        + "nezha prepare made of it (--data, memory-mapped, for corpora of any size).",
                "Sentences of a document are packed into [CLS] A [SEP] B [SEP] sequences of up to --seq-len tokens as "
                        + "Google's create_pretraining_data packs them, and masked afresh every time a sequence is drawn "
                        + "(--mask-prob of the tokens, by --masking unit: 80%% [MASK], 10%% random, 10%% kept).",
                "Writes DIR/metrics.jsonl (step, loss, lr, grad_norm, tokens_per_s), DIR/loss.png, "
                        + "DIR/checkpoint-N/ (model + optimizer state) and the final model in DIR/model/."})
final class PretrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model-config", paramLabel = "FILE",
            description = "HF config.json of the model to train from scratch (NEZHA, BERT or ALBERT fields); or give --init.")
    Path modelConfig;

    @Option(names = "--vocab", paramLabel = "FILE", description = "WordPiece vocab.txt (one token per line); with --model-config.")
    Path vocab;

    @Option(names = "--init", paramLabel = "DIR",
            description = "Continue pretraining a model directory (one saved here or made by nezha convert, e.g. Google's Chinese BERT): "
                    + "its config, vocabulary, tokenizer settings and weights; heads it lacks start fresh. Instead of --model-config and --vocab.")
    Path init;

    @Option(names = "--train", arity = "1..*", paramLabel = "CORPUS", description = "Corpus text file(s), tokenized into memory at start-up; each file starts a new document.")
    List<Path> train = List.of();

    @Option(names = "--data", paramLabel = "DIR",
            description = "Shards made by nezha prepare with the same --vocab, read memory-mapped (any corpus size); instead of --train. "
                    + "Their sequences are packed at start-up into --output's packing/ (removed at the end).")
    Path data;

    @Option(names = "--word-boundaries", defaultValue = "jieba", paramLabel = "KIND",
            description = "Where words start in --train text, for --masking wwm and ngram: jieba (Chinese words; WordPiece words "
                    + "elsewhere), whitespace (every space-separated token a word: corpora of ids) or none (WordPiece words). "
                    + "Shards keep what nezha prepare was given. Default: ${DEFAULT-VALUE}.")
    String wordBoundaries;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output directory (must be empty unless --overwrite).")
    Path output;

    @Option(names = "--max-steps", defaultValue = "1000", paramLabel = "N", description = "Optimizer updates to run. Default: ${DEFAULT-VALUE}.")
    long maxSteps;

    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "B", description = "Sequences per micro-batch, per process. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--seq-len", defaultValue = "128", paramLabel = "L", description = "Maximum sequence length, [CLS] and [SEP] included. Default: ${DEFAULT-VALUE}.")
    int seqLen;

    @Option(names = "--lr", defaultValue = "1e-4", paramLabel = "X", description = "Peak learning rate. Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--warmup", defaultValue = "10000", paramLabel = "N", description = "Linear warmup steps. Default: ${DEFAULT-VALUE} (NEZHA's recipe; lower it for short runs).")
    long warmup;

    @Option(names = "--decay", defaultValue = "polynomial", paramLabel = "KIND", description = "Decay after warmup: linear, polynomial (power 1, as BERT and NEZHA), cosine (half a cosine to 0) or constant. Default: ${DEFAULT-VALUE}.")
    String decay;

    @Option(names = "--optimizer", defaultValue = "lamb", paramLabel = "NAME", description = "lamb (layer-wise trust ratio, NVIDIA/Google BERT recipe), adamw, adam (L2 weight decay) or adagrad. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--epsilon", defaultValue = "1e-4", paramLabel = "X", description = "The optimizer's ε. Default: ${DEFAULT-VALUE} (NEZHA's recipe).")
    double epsilon;

    @Option(names = "--weight-decay", defaultValue = "0.01", paramLabel = "X", description = "Decoupled weight decay (not on biases and LayerNorm). Default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--grad-accum", defaultValue = "1", paramLabel = "N", description = "Micro-batches per update (gradient accumulation). Default: ${DEFAULT-VALUE}.")
    int gradAccum;

    @Option(names = "--max-grad-norm", defaultValue = "1.0", paramLabel = "X", description = "Clip the global gradient norm to X (0 = no clipping). Default: ${DEFAULT-VALUE}.")
    double maxGradNorm;

    @Option(names = {"--mask-prob", "--masked-lm-prob"}, defaultValue = "0.15", paramLabel = "P", description = "Fraction of tokens to predict (--masked-lm-prob: Google's name). Default: ${DEFAULT-VALUE}.")
    double maskProb;

    @Option(names = "--max-predictions", defaultValue = "20", paramLabel = "N", description = "Most masked tokens per sequence. Default: ${DEFAULT-VALUE}.")
    int maxPredictions;

    @Option(names = "--masking", defaultValue = "token", paramLabel = "UNIT",
            description = "What is masked together: token (single tokens, Google BERT), wwm (every piece of a chosen word; "
                    + "Chinese words from jieba with shards prepared so) or ngram (spans of 1-4 whole words with "
                    + "probabilities 40/30/20/10%%, MacBERT's recipe). Default: ${DEFAULT-VALUE}.")
    String masking;

    @Option(names = "--short-seq-prob", defaultValue = "0.1", paramLabel = "P",
            description = "Probability that a document's sequences get a random shorter length (Google BERT). Default: ${DEFAULT-VALUE}.")
    double shortSeqProb;

    @Option(names = "--nsp", description = "Also train next-sentence prediction as Google BERT does (B is a random text half "
            + "of the time); saves the head as HF's cls.seq_relationship (NezhaForPreTraining).")
    boolean nsp;

    @Option(names = "--static-masks", description = "Use the masked copies nezha prepare --dupe-factor stored with --data "
            + "(epoch e: copy e mod N) instead of masking afresh; their masking settings replace --masking, --mask-prob, "
            + "--max-predictions, --short-seq-prob and --nsp.")
    boolean staticMasks;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed for initialisation, packing, shuffling, masking and dropout. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--log-every", defaultValue = "10", paramLabel = "N", description = "Write a metrics.jsonl line every N updates. Default: ${DEFAULT-VALUE}.")
    int logEvery;

    @Option(names = "--checkpoint-every", defaultValue = "0", paramLabel = "N", description = "Also checkpoint every N updates (0 = only at the end). Default: ${DEFAULT-VALUE}.")
    int checkpointEvery;

    @Option(names = "--keep-checkpoints", defaultValue = "2", paramLabel = "N", description = "Keep the newest N checkpoints (0 = all). Default: ${DEFAULT-VALUE}.")
    int keepCheckpoints;

    @Option(names = "--overwrite", description = "Replace the contents of a non-empty output directory.")
    boolean overwrite;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue from a checkpoint-N directory of an earlier run with the same data, config and options: "
                    + "weights, optimizer state, step, data position, fp16 loss scale and the random states. "
                    + "--output may be the earlier run's directory: its metrics.jsonl then keeps the records up to the checkpoint.")
    Path resume;

    @Mixin RuntimeOptions runtime;

    @Override
    public Integer call() {
        runtime.apply();
        PretrainJob.Settings s = settings();
        var out = spec.commandLine().getOut();
        PretrainJob.Result r;
        try (ConsoleProgress progress = ConsoleProgress.on(spec.commandLine().getErr())) {
            r = new PretrainJob(s, runtime.execution(), progress).run();
        }
        if (r.modelDir() != null) out.println(Summary.pretraining(r)); // rank 0 of a data-parallel job speaks for all
        out.flush();
        return 0;
    }

    PretrainJob.Settings settings() {
        PretrainJob.Settings s = new PretrainJob.Settings();
        s.modelConfig = modelConfig;
        s.vocab = vocab;
        s.init = init;
        s.train = train;
        s.data = data;
        s.wordBoundaries = Options.enumValue("--word-boundaries", wordBoundaries, WordBoundaries.class);
        s.output = output;
        s.maxSteps = maxSteps;
        s.batchSize = batchSize;
        s.seqLen = seqLen;
        s.learningRate = lr;
        s.warmupSteps = warmup;
        s.decay = Options.enumValue("--decay", decay, LearningRateSchedule.Decay.class);
        s.optimizer = optimizer;
        s.epsilon = epsilon;
        s.weightDecay = weightDecay;
        s.gradientAccumulation = gradAccum;
        s.maxGradNorm = maxGradNorm;
        s.maskProb = maskProb;
        s.maxPredictions = maxPredictions;
        s.masking = MaskingScheme.parse(masking);
        s.shortSeqProb = shortSeqProb;
        s.nextSentence = nsp;
        s.staticMasks = staticMasks;
        s.seed = seed;
        s.logEvery = logEvery;
        s.checkpointEvery = checkpointEvery;
        s.keepCheckpoints = keepCheckpoints;
        s.overwrite = overwrite;
        s.resume = resume;
        return s;
    }
}
