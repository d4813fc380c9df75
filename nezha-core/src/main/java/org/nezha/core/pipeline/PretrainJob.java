package org.nezha.core.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import org.nezha.core.InputException;
import org.nezha.core.OptionChecks;
import org.nezha.core.config.NezhaConfig;
import org.nezha.core.corpus.WordBoundaries;
import org.nezha.core.data.InstancePacker;
import org.nezha.core.data.MaskingScheme;
import org.nezha.core.data.MlmBatch;
import org.nezha.core.data.MlmBatcher;
import org.nezha.core.data.MlmMasker;
import org.nezha.core.data.RankSlice;
import org.nezha.core.data.StaticMasks;
import org.nezha.core.data.SpecialTokens;
import org.nezha.core.distributed.DataParallelTraining;
import org.nezha.core.distributed.DistributedEnvironment;
import org.nezha.core.io.OutputPaths;
import org.nezha.core.model.AttentionBackends;
import org.nezha.core.model.ModelDirectory;
import org.nezha.core.model.ModelSize;
import org.nezha.core.model.NezhaForMaskedLM;
import org.nezha.core.tensor.Tensors;
import org.nezha.core.tokenizer.TokenizerOptions;
import org.nezha.core.tokenizer.Vocab;
import org.nezha.core.train.LearningRateSchedule;
import org.nezha.core.train.Optimizer;
import org.nezha.core.train.Optimizers;
import org.nezha.core.train.Trainer;
import org.nezha.core.train.TrainingDivergedException;

/**
 * Masked-LM pretraining from scratch: corpus → instances packed as Google BERT packs them → masked
 * batches (token, whole-word or n-gram masking, fresh masks every epoch) → NezhaForMaskedLM (with
 * the next-sentence head: NezhaForPreTraining) → LAMB or AdamW. Writes {@code metrics.jsonl}, {@code loss.png},
 * {@code checkpoint-N/} (model + optimizer state) and the final model in {@code model/}.
 * Everything that can be wrong with the input is checked before the output directory is touched.
 */
public final class PretrainJob {
    /**
     * What to train and how. The defaults are NEZHA's pretraining recipe (LAMB, lr 1e-4 with
     * polynomial decay, weight decay 0.01, ε 1e-4, 10k warmup steps, batch 64, sequence 128, at most
     * 20 masked tokens at probability 0.15) except the number of steps.
     */
    public static final class Settings {
        public Path modelConfig;
        public Path vocab;
        /** A model directory to continue pretraining from; it brings the config, vocabulary and tokenizer settings. */
        public Path init;
        /** How --train text is tokenized (an --init model's settings, else HF's defaults). */
        public TokenizerOptions tokenizerOptions = TokenizerOptions.defaults();
        /** Text corpus files, tokenized into memory at start-up; or {@link #data}. */
        public List<Path> train = List.of();
        /** A directory of shards made by nezha prepare; or {@link #train}. */
        public Path data;
        /** Where words start in {@link #train} text, for the word masking schemes. */
        public WordBoundaries wordBoundaries = WordBoundaries.JIEBA;
        public Path output;
        public long maxSteps = 1000;
        public int batchSize = 64;
        public int seqLen = 128;
        public double learningRate = 1e-4;
        public long warmupSteps = 10_000;
        public LearningRateSchedule.Decay decay = LearningRateSchedule.Decay.POLYNOMIAL;
        public String optimizer = "lamb";
        public double weightDecay = 0.01;
        public double epsilon = 1e-4;
        public int gradientAccumulation = 1;
        public double maxGradNorm = 1.0;
        public double maskProb = 0.15;
        public int maxPredictions = 20;
        public MaskingScheme masking = MaskingScheme.TOKEN;
        public double shortSeqProb = InstancePacker.GOOGLE_SHORT_SEQ_PROB;
        /** Next-sentence prediction as Google BERT trains it; off as in RoBERTa and most Chinese recipes since. */
        public boolean nextSentence;
        /**
         * Use the masked copies stored with {@link #data} (nezha prepare --dupe-factor); their settings
         * replace masking, maskProb, maxPredictions, shortSeqProb and nextSentence when the run starts.
         */
        public boolean staticMasks;
        public long seed = 42;
        public int logEvery = 10;
        public int checkpointEvery = 0;
        public int keepCheckpoints = 2;
        public boolean overwrite;
        /** A checkpoint-N directory to continue from (same data, config and settings), or null. */
        public Path resume;
    }

    /**
     * What the run produced; the paths are null on data-parallel ranks other than 0 (they write nothing).
     * The first loss is the whole run's, earlier records of a resumed run included.
     */
    public record Result(Path modelDir, Path metricsFile, Path lossCurve, long steps, LoggedLoss firstLoss, LoggedLoss lastLoss,
            double tokensPerSecond, double seconds, long sequences, long corpusTokens, boolean nextSentence) {}

    public static final String FINAL_MODEL = "model";
    public static final String METRICS = "metrics.jsonl";
    public static final String LOSS_CURVE = "loss.png";

    private final Settings settings;
    private final Execution execution;
    private final Progress progress;

    public PretrainJob(Settings settings, Execution execution, Progress progress) {
        this.settings = settings;
        this.execution = execution;
        this.progress = progress;
    }

    public Result run() {
        Settings s = settings;
        if (s.train.isEmpty() && s.data == null) {
            throw new InputException("give the corpus: --train FILE... (text, tokenized at start-up) or --data DIR "
                    + "(shards made by nezha prepare)");
        }
        if (s.staticMasks) useStoredMaskSettings(s);
        if (s.init != null) useInitModel(s);
        else if (s.modelConfig == null || s.vocab == null) throw new InputException("give --model-config and --vocab, or --init DIR (a model directory)");
        validateOptions(s);
        NezhaConfig config = NezhaConfig.read(s.modelConfig)
                .withArchitectures(s.nextSentence ? "NezhaForPreTraining" : "NezhaForMaskedLM");
        Vocab vocab = Vocab.load(s.vocab);
        ModelChecks.vocabularyFits(vocab, s.vocab, config, s.modelConfig);
        ModelSize.requireFits(config, s.nextSentence ? ModelSize.Head.PRETRAINING : ModelSize.Head.MASKED_LM, true,
                DistributedEnvironment.fromSystem().localWorldSize(), s.modelConfig);
        ModelChecks.sequenceLengthFits(s.seqLen, InstancePacker.SPECIAL_TOKENS, config, s.modelConfig);
        OutputPaths.requireUsableDirectory(s.output, s.overwrite || s.resume != null);
        Checkpoint resumeFrom = s.resume == null ? null : Checkpoint.read(s.resume);
        if (resumeFrom != null) resumeFrom.requireBefore(s.maxSteps);
        for (Path f : s.train) {
            if (Files.isDirectory(f)) throw InputException.in(f, "is a directory; give the corpus files");
            if (!Files.isRegularFile(f)) throw InputException.in(f, "corpus file not found");
        }

        try (DataParallelTraining dp = DataParallelTraining.join(execution.device());
                PretrainingData data = PretrainingData.open(s, vocab, dp.rank(), progressOf(dp))) {
            Progress progress = progressOf(dp);
            TokenizerOptions tokenizerOptions = data.tokenizerOptions();
            progress.info("corpus: " + data.corpus().summary());
            SpecialTokens specials = SpecialTokens.of(vocab);
            MlmBatcher.Masks masks = data.staticMasks() != null ? data.staticMasks()
                    : MlmBatcher.dynamicMasks(new MlmMasker(specials, s.maskProb, s.maxPredictions, s.masking), s.seed);
            MlmBatcher batcher = new MlmBatcher(data.corpus(), data.instances(), specials, masks, s.batchSize, 0, s.seed,
                    new RankSlice(dp.rank(), dp.worldSize()), s.nextSentence);
            progress.info(String.format(Locale.ROOT, "%,d sequences of up to %d tokens (%s%s masking%s), %,d batches per epoch, "
                    + "%d steps ≈ %.1f epochs", batcher.size(), s.seqLen, s.staticMasks ? "static " : "", s.masking.optionName(),
                    s.nextSentence ? ", next-sentence prediction" : "", batcher.batchesPerEpoch(), s.maxSteps,
                    (double) s.maxSteps * s.gradientAccumulation / batcher.batchesPerEpoch()));

            if (s.warmupSteps >= s.maxSteps) {
                progress.info("note: --warmup " + s.warmupSteps + " >= --max-steps " + s.maxSteps
                        + ": the learning rate never reaches its peak (lower --warmup for a short run)");
            }
            torch.manual_seed(s.seed);
            NezhaForMaskedLM model = new NezhaForMaskedLM(config, AttentionBackends.select(execution.attention(), config),
                    s.nextSentence);
            if (s.init != null && resumeFrom == null) {
                var report = ModelDirectory.loadWeights(s.init, model);
                progress.info("initialised from " + s.init + (report.missing().isEmpty() ? "" : "; fresh (not in it): " + report.missing()));
            }
            model.parameters().moveTo(execution.device());
            Optimizer optimizer = Optimizers.create(s.optimizer, model.parameters().asMap(), s.weightDecay, s.epsilon);
            progress.info(String.format(Locale.ROOT, "model: %s, %,d parameters, attention %s, %s on %s, %s",
                    config.positionEmbeddingType(), model.parameters().parameterCount(), model.encoder().attention().name(),
                    execution.precision().optionName(), execution.device().str().getString(), optimizer.name()));

            if (dp.isMain()) OutputPaths.claimRunDirectory(s.output);
            LearningRateSchedule schedule = new LearningRateSchedule(s.learningRate, s.warmupSteps, s.maxSteps, s.decay, 1.0, 0.0);
            Trainer trainer = new Trainer(model.parameters().asMap(), optimizer, schedule,
                    new Trainer.Options(s.maxSteps, s.gradientAccumulation, s.maxGradNorm, s.logEvery, s.checkpointEvery),
                    execution.precision(), execution.device());
            dp.attach(model, trainer);
            Map<String, Object> dataShape = dataShape(batcher, data);
            CheckpointWriter checkpoints = new CheckpointWriter(s.output, s.keepCheckpoints, model, s.vocab, tokenizerOptions,
                    optimizer, trainer.lossScaler(), execution.device(), dataShape, null, null);
            long startStep = 0;
            if (resumeFrom != null) {
                startStep = resumeFrom.restore(model, optimizer, trainer.lossScaler(), null, execution.device(), batcher, dataShape);
                progress.info("resuming from " + s.resume + " at step " + startStep);
            }

            Path metricsFile = dp.isMain() ? s.output.resolve(METRICS) : null;
            long start = System.nanoTime();
            boolean pinned = execution.device().is_cuda();
            try (TrainingLog log = new TrainingLog(metricsFile, startStep, null, progress);
                    ResumableBatches<MlmBatch, HostBatch> batches = new ResumableBatches<>("mlm-batches", batcher,
                            batch -> HostBatch.prepare(batch, pinned), 4)) {
                progress.begin("pretrain", s.maxSteps);
                try {
                    trainer.run(new MaskedLmTask(model, batches, execution.device()), log.listener(step -> {
                        if (dp.isMain()) checkpoints.write(step, batches.position());
                    }), startStep);
                } catch (TrainingDivergedException e) {
                    progress.end();
                    throw new Divergence(s.learningRate, s.maxGradNorm, execution.precision())
                            .advise("a longer --warmup (this run: " + s.warmupSteps + ")")
                            .keep("last good checkpoint", checkpoints.newestBefore(e.lastFiniteStep()))
                            .failure(e, log, () -> writeCurve(log));
                }
                progress.end();
                double seconds = (System.nanoTime() - start) / 1e9;
                if (!dp.isMain()) {
                    dp.awaitOthers();
                    return new Result(null, null, null, s.maxSteps, log.firstLoss(), log.lastLoss(),
                            log.steadyTokensPerSecond(), seconds, batcher.size(), data.corpus().tokenCount(), s.nextSentence);
                }
                Path modelDir = s.output.resolve(FINAL_MODEL);
                ModelDirectory.save(modelDir, model, s.vocab, tokenizerOptions);
                Path curve = writeCurve(log);
                dp.awaitOthers();
                return new Result(modelDir, metricsFile, curve, s.maxSteps, log.firstLoss(), log.lastLoss(),
                        log.steadyTokensPerSecond(), seconds, batcher.size(), data.corpus().tokenCount(), s.nextSentence);
            }
        }
    }

    private Progress progressOf(DataParallelTraining dp) {
        return dp.isMain() ? progress : Progress.SILENT; // one rank speaks for all
    }

    /** What the saved data position means: the layout, and what decides the instances and their masks. */
    private Map<String, Object> dataShape(MlmBatcher batcher, PretrainingData data) {
        Map<String, Object> shape = Checkpoint.dataShape(batcher, settings.gradientAccumulation);
        shape.put("corpus", data.corpus().summary());
        shape.put("seq_len", settings.seqLen);
        shape.put("short_seq_prob", settings.shortSeqProb);
        shape.put("next_sentence", settings.nextSentence);
        shape.put("masking", settings.masking.optionName());
        shape.put("static_masks", settings.staticMasks);
        return shape;
    }

    /** --static-masks: the masks were fixed by nezha prepare, so the settings that made them are this run's. */
    private void useStoredMaskSettings(Settings s) {
        if (s.data == null) throw new InputException("--static-masks needs --data: the masks are stored with the shards");
        StaticMasks.Settings stored = StaticMasks.read(s.data);
        s.masking = stored.masking();
        s.maskProb = stored.maskProb();
        s.maxPredictions = stored.maxPredictions();
        s.shortSeqProb = stored.shortSeqProb();
        s.nextSentence = stored.nextSentence();
        progress.info(String.format(Locale.ROOT, "static masks of %s: %d copies (%s masking, %.2f of the tokens, at most %d, "
                + "short sequences %.2f%s)", s.data, stored.copies(), stored.masking().optionName(), stored.maskProb(),
                stored.maxPredictions(), stored.shortSeqProb(), stored.nextSentence() ? ", next-sentence prediction" : ""));
    }

    private Path writeCurve(TrainingLog log) {
        Path curve = settings.output.resolve(LOSS_CURVE);
        LossCurve.writePng(curve, "NEZHA masked-LM pretraining", "loss", List.of(log.lossSeries()));
        return curve;
    }

    /** An --init model directory stands for --model-config and --vocab, and says how text is tokenized. */
    private static void useInitModel(Settings s) {
        if (s.modelConfig != null || s.vocab != null) {
            throw new InputException("--init " + s.init + " brings its config and vocabulary: leave out --model-config and --vocab");
        }
        ModelDirectory.requireDirectory(s.init);
        s.modelConfig = s.init.resolve(ModelDirectory.CONFIG);
        s.vocab = s.init.resolve(ModelDirectory.VOCAB);
        s.tokenizerOptions = TokenizerOptions.read(s.init.resolve(ModelDirectory.TOKENIZER_CONFIG));
    }

    private static void validateOptions(Settings s) {
        OptionChecks.atLeast("--max-steps", s.maxSteps, 1);
        OptionChecks.atLeast("--batch-size", s.batchSize, 1);
        OptionChecks.positive("--lr", s.learningRate);
        OptionChecks.atLeast("--warmup", s.warmupSteps, 0);
        Optimizers.check(s.optimizer, s.weightDecay, s.epsilon);
        OptionChecks.atLeast("--grad-accum", s.gradientAccumulation, 1);
        OptionChecks.nonNegative("--max-grad-norm", s.maxGradNorm);
        OptionChecks.openFraction("--mask-prob", s.maskProb);
        OptionChecks.atLeast("--max-predictions", s.maxPredictions, 1);
        OptionChecks.probability("--short-seq-prob", s.shortSeqProb);
        OptionChecks.atLeast("--log-every", s.logEvery, 1);
        OptionChecks.atLeast("--checkpoint-every", s.checkpointEvery, 0);
        OptionChecks.atLeast("--keep-checkpoints", s.keepCheckpoints, 0);
    }

    /** A masked-LM batch prepared ahead in host memory (pinned for a GPU); the next-sentence labels are null without that task. */
    private record HostBatch(BatchTensors inputs, Tensor positions, Tensor labels, double lossWeight, Tensor nextSentenceLabels,
            double nextSentenceLossWeight) {
        static HostBatch prepare(MlmBatch batch, boolean pinned) {
            int n = batch.maskedLabels().length;
            long[] next = batch.nextSentenceLabels();
            return new HostBatch(BatchTensors.onHost(batch.inputs(), pinned),
                    Tensors.hostLongs(batch.maskedFlatPositions(), pinned, n), Tensors.hostLongs(batch.maskedLabels(), pinned, n),
                    batch.lossWeight(), next == null ? null : Tensors.hostLongs(next, pinned, next.length),
                    batch.nextSentenceLossWeight());
        }
    }

    /** Masked-LM micro-batches for the trainer, on the model's device. */
    private record MaskedLmTask(NezhaForMaskedLM model, ResumableBatches<MlmBatch, HostBatch> batches, Device device)
            implements Trainer.Task {
        @Override
        public Trainer.Forward forward() {
            HostBatch batch = batches.next();
            BatchTensors inputs = batch.inputs().to(device);
            Tensor positions = Tensors.onDevice(batch.positions(), device);
            Tensor labels = Tensors.onDevice(batch.labels(), device);
            Tensor loss = batch.nextSentenceLabels() == null
                    ? model.loss(inputs.inputIds(), inputs.tokenTypeIds(), inputs.attentionMask(), positions, labels,
                            batch.lossWeight(), true)
                    : model.lossWithNextSentence(inputs.inputIds(), inputs.tokenTypeIds(), inputs.attentionMask(), positions,
                            labels, batch.lossWeight(), Tensors.onDevice(batch.nextSentenceLabels(), device),
                            batch.nextSentenceLossWeight(), true);
            return new Trainer.Forward(loss, inputs.realTokens());
        }

        @Override
        public void backward(Tensor scaledLoss) {
            model.backward(scaledLoss);
        }
    }
}
