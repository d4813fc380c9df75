package org.nezha.core.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import org.nezha.core.InputException;
import org.nezha.core.config.NezhaConfig;
import org.nezha.core.data.MlmBatch;
import org.nezha.core.data.MlmBatcher;
import org.nezha.core.data.MlmMasker;
import org.nezha.core.data.PretrainingCorpus;
import org.nezha.core.data.SequencePacker;
import org.nezha.core.data.SpecialTokens;
import org.nezha.core.model.AttentionBackends;
import org.nezha.core.model.ModelDirectory;
import org.nezha.core.model.NezhaForMaskedLM;
import org.nezha.core.tensor.Tensors;
import org.nezha.core.tokenizer.BertTokenizer;
import org.nezha.core.tokenizer.TokenizerOptions;
import org.nezha.core.tokenizer.Vocab;
import org.nezha.core.train.AdamW;
import org.nezha.core.train.LearningRateSchedule;
import org.nezha.core.train.Trainer;

/**
 * Masked-LM pretraining from scratch: corpus → packed sequences → dynamically masked batches →
 * NezhaForMaskedLM → AdamW. Writes {@code metrics.jsonl}, {@code loss.png},
 * {@code checkpoint-N/} (model + optimizer state) and the final model in {@code model/}.
 * Everything that can be wrong with the input is checked before the output directory is touched.
 */
public final class PretrainJob {
    /** What to train and how; the defaults are BERT's recipe scaled to a short run. */
    public static final class Settings {
        public Path modelConfig;
        public Path vocab;
        public List<Path> train = List.of();
        public Path output;
        public long maxSteps = 1000;
        public int batchSize = 32;
        public int seqLen = 128;
        public double learningRate = 1e-4;
        public long warmupSteps = 100;
        public LearningRateSchedule.Decay decay = LearningRateSchedule.Decay.LINEAR;
        public double weightDecay = 0.01;
        public int gradientAccumulation = 1;
        public double maxGradNorm = 1.0;
        public double maskProb = 0.15;
        public int maxPredictions = 20;
        public long seed = 42;
        public int logEvery = 10;
        public int checkpointEvery = 0;
        public int keepCheckpoints = 2;
        public boolean overwrite;
    }

    /** What the run produced. */
    public record Result(Path modelDir, Path metricsFile, Path lossCurve, long steps, double firstLoss, double finalLoss,
            double tokensPerSecond, double seconds, long sequences, long corpusTokens) {}

    public static final String FINAL_MODEL = "model";
    public static final String METRICS = "metrics.jsonl";
    public static final String LOSS_CURVE = "loss.png";

    private final Settings settings;
    /** The backend asked for on the command line, or null for the config's choice. */
    private final String attention;
    private final Progress progress;

    public PretrainJob(Settings settings, String attention, Progress progress) {
        this.settings = settings;
        this.attention = attention;
        this.progress = progress;
    }

    public Result run() {
        Settings s = settings;
        if (s.train.isEmpty()) throw new InputException("--train: at least one corpus file is needed");
        ModelChecks.positive("--lr", s.learningRate);
        if (s.maxSteps < 1) throw new InputException("--max-steps must be at least 1, got " + s.maxSteps);
        if (s.warmupSteps < 0) throw new InputException("--warmup must be >= 0, got " + s.warmupSteps);
        NezhaConfig config = NezhaConfig.read(s.modelConfig).withArchitectures("NezhaForMaskedLM");
        Vocab vocab = Vocab.load(s.vocab);
        ModelChecks.vocabularyFits(vocab, s.vocab, config, s.modelConfig);
        ModelChecks.sequenceLengthFits(s.seqLen, 3, config, s.modelConfig);
        ModelChecks.outputDirectoryUsable(s.output, s.overwrite);
        for (Path f : s.train) if (!Files.isRegularFile(f)) throw InputException.in(f, "corpus file not found");

        TokenizerOptions tokenizerOptions = TokenizerOptions.defaults();
        BertTokenizer tokenizer = new BertTokenizer(vocab, tokenizerOptions);
        progress.info("reading " + s.train.size() + " corpus file(s)…");
        PretrainingCorpus corpus = PretrainingCorpus.read(s.train, tokenizer::tokenIds);
        progress.info("corpus: " + corpus.summary());
        List<int[]> sequences = new SequencePacker(s.seqLen).pack(corpus, s.seed);
        SpecialTokens specials = new SpecialTokens(vocab.clsId(), vocab.sepId(), vocab.padId(), vocab.maskId(),
                vocab.unkId(), vocab.size());
        MlmBatcher batcher = new MlmBatcher(sequences, new MlmMasker(specials, s.maskProb, s.maxPredictions), s.batchSize,
                0, s.seed);
        progress.info(String.format(Locale.ROOT, "%d sequences of up to %d tokens, %d batches per epoch, %d steps ≈ %.1f epochs",
                sequences.size(), s.seqLen, batcher.batchesPerEpoch(), s.maxSteps,
                (double) s.maxSteps * s.gradientAccumulation / batcher.batchesPerEpoch()));

        torch.manual_seed(s.seed);
        NezhaForMaskedLM model = new NezhaForMaskedLM(config, AttentionBackends.select(attention, config));
        progress.info(String.format(Locale.ROOT, "model: %s, %,d parameters, attention %s", config.positionEmbeddingType(),
                model.parameters().parameterCount(), model.encoder().attention().name()));

        ModelChecks.createOutputDirectory(s.output);
        AdamW optimizer = new AdamW(model.parameters().asMap(), 0.9, 0.999, 1e-6, s.weightDecay, AdamW::decayedByDefault);
        LearningRateSchedule schedule = new LearningRateSchedule(s.learningRate, s.warmupSteps, s.maxSteps, s.decay, 1.0, 0.0);
        Trainer trainer = new Trainer(model.parameters().asMap(), optimizer, schedule,
                new Trainer.Options(s.maxSteps, s.gradientAccumulation, s.maxGradNorm, s.logEvery, s.checkpointEvery));
        CheckpointWriter checkpoints = new CheckpointWriter(s.output, s.keepCheckpoints, model, s.vocab, tokenizerOptions,
                optimizer);

        Path metricsFile = s.output.resolve(METRICS);
        long start = System.nanoTime();
        try (TrainingLog log = new TrainingLog(metricsFile, progress)) {
            progress.begin("pretrain", s.maxSteps);
            trainer.run(lossScale -> microStep(model, batcher.next(), lossScale),
                    log.listener(step -> checkpoints.write(step, batcher.position())), 0);
            progress.end();
            double seconds = (System.nanoTime() - start) / 1e9;
            Path modelDir = s.output.resolve(FINAL_MODEL);
            ModelDirectory.save(modelDir, model, s.vocab, tokenizerOptions);
            Path curve = s.output.resolve(LOSS_CURVE);
            LossCurve.writePng(curve, "NEZHA masked-LM pretraining", "loss", List.of(log.lossSeries()));
            return new Result(modelDir, metricsFile, curve, s.maxSteps, log.firstLog().loss(), log.lastLog().loss(),
                    log.steadyTokensPerSecond(), seconds, sequences.size(), corpus.tokenCount());
        }
    }

    private static Trainer.MicroStep microStep(NezhaForMaskedLM model, MlmBatch batch, double lossScale) {
        BatchTensors inputs = BatchTensors.of(batch.inputs());
        int n = batch.maskedLabels().length;
        Tensor positions = Tensors.longs(batch.maskedFlatPositions(), null, n);
        Tensor labels = Tensors.longs(batch.maskedLabels(), null, n);
        Tensor loss = model.loss(inputs.inputIds(), inputs.tokenTypeIds(), inputs.attentionMask(), positions, labels, true);
        model.backward(loss.mul(Tensors.scalar(lossScale)));
        return new Trainer.MicroStep(loss.item_double(), inputs.realTokens());
    }
}
