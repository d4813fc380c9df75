package org.nezha.core.pipeline;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import org.nezha.core.InputException;
import org.nezha.core.OptionChecks;
import org.nezha.core.config.NezhaConfig;
import org.nezha.core.data.RankSlice;
import org.nezha.core.data.TaskBatch;
import org.nezha.core.data.TaskBatcher;
import org.nezha.core.data.TaskExample;
import org.nezha.core.distributed.DataParallelTraining;
import org.nezha.core.distributed.DistributedEnvironment;
import org.nezha.core.io.OutputPaths;
import org.nezha.core.model.AttentionBackends;
import org.nezha.core.model.ChoosableLoss;
import org.nezha.core.model.ClassificationLoss;
import org.nezha.core.model.DistributionHead;
import org.nezha.core.model.GlobalBatchLoss;
import org.nezha.core.model.ModelDirectory;
import org.nezha.core.model.ModelFamily;
import org.nezha.core.model.ModelSize;
import org.nezha.core.model.MultiSampleDropoutHead;
import org.nezha.core.model.ParameterStore;
import org.nezha.core.model.TaskModel;
import org.nezha.core.task.Feature;
import org.nezha.core.task.FinetuneTask;
import org.nezha.core.task.TaskOptions;
import org.nezha.core.task.Tasks;
import org.nezha.core.task.classification.ClassificationTask;
import org.nezha.core.task.classification.DecisionThreshold;
import org.nezha.core.tensor.Tensors;
import org.nezha.core.tokenizer.BertTokenizer;
import org.nezha.core.tokenizer.TokenizerOptions;
import org.nezha.core.tokenizer.Vocab;
import org.nezha.core.train.AdversarialTraining;
import org.nezha.core.train.ExponentialMovingAverage;
import org.nezha.core.train.LearningRateSchedule;
import org.nezha.core.train.Optimizer;
import org.nezha.core.train.Optimizers;
import org.nezha.core.train.ParameterGroups;
import org.nezha.core.train.Precision;
import org.nezha.core.train.Trainer;
import org.nezha.core.train.TrainingDivergedException;

/**
 * Fine-tunes a model for any {@link FinetuneTask} (classification, tagging, span extraction, sentence embeddings) from a pretrained model or from scratch,
 * evaluates on dev after every epoch (or every N steps) and keeps the best model in {@code best/},
 * its scores in {@code dev_metrics.json}, the run in {@code metrics.jsonl} and {@code loss.png}.
 */
public final class FinetuneJob {
    public static final String BEST_MODEL = "best";
    public static final String DEV_METRICS = "dev_metrics.json";
    /** The run's settings and tricks, in the output directory and in every checkpoint (as HF's Trainer saves its arguments). */
    public static final String TRAINING_ARGS = "training_args.json";
    /** The field of {@link #TRAINING_ARGS} holding {@link TrainingTricks#describe}. */
    static final String TRICKS = "tricks";

    /** What to fine-tune and how; defaults follow BERT's GLUE recipe. */
    public static final class Settings implements Cloneable {
        /** A name {@link Tasks#create} knows: pair, single, … */
        public String task = "pair";
        public TaskOptions taskOptions = TaskOptions.DEFAULTS;
        public Path init;
        public Path modelConfig;
        public Path vocab;
        public Path train;
        public Path dev;
        public Path output;
        public int epochs = 3;
        public long maxSteps = 0;
        public int batchSize = 32;
        /** Tokens per row; 0: the task's default (128, span extraction 384). */
        public int seqLen = 0;
        public double learningRate = 2e-5;
        public double warmupRatio = 0.1;
        public String optimizer = "adamw";
        public double weightDecay = 0.01;
        /** The optimizer's ε; null: its default ({@link Optimizers#defaultEpsilon}). */
        public Double epsilon;
        public TrainingTricks tricks = TrainingTricks.DEFAULTS;
        public int gradientAccumulation = 1;
        public double maxGradNorm = 1.0;
        public long seed = 42;
        public int logEvery = 20;
        public int evalEvery = 0;
        /** The dev metric that picks the best model; null: the task's default. */
        public String metric;
        public int evalBatchSize = 64;
        public int checkpointEvery = 0;
        public int keepCheckpoints = 2;
        public boolean overwrite;
        /** A checkpoint-N directory of an earlier run to continue from (same data, config and settings), or null. */
        public Path resume;
        /** Binary classification: the best model's dev predictions pick its decision threshold, stored in its config.json. */
        public boolean thresholdSearch;
        /**
         * The labels (tags) the head predicts, in output order, or null: those of {@link #train}. Cross-validation
         * gives every fold the whole file's, so a fold whose part of the file lacks a rare label (or all but one)
         * still trains a head for all of them.
         */
        public List<String> labels;

        /** Another run's settings, starting as these (cross-validation's folds). */
        public Settings copy() {
            try {
                return (Settings) clone();
            } catch (CloneNotSupportedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /**
     * What the run produced; paths and dev scores are null on data-parallel ranks other than 0 (rank 0 keeps the best model).
     * {@code devBaselineMetrics}: the task's trivial predictor (majority class, all-O, empty answer) scored on dev;
     * {@code headlineMetrics}: the task's selection metrics, the scores a summary shows; {@code devCurve}: the
     * selection metric at each dev evaluation, as {@code lossCurve} plots it.
     */
    public record Result(String task, List<String> headlineMetrics, Path bestModelDir, long bestStep, Map<String, Object> bestDevMetrics, String metric,
            Map<String, Object> devBaselineMetrics, Path metricsFile, Path lossCurve, LossCurve.Series devCurve, long steps, double seconds,
            int trainExamples, int devExamples, List<String> labels) {}

    private final Settings settings;
    private final Execution execution;
    private final Progress progress;

    public FinetuneJob(Settings settings, Execution execution, Progress progress) {
        this.settings = settings;
        this.execution = execution;
        this.progress = progress;
    }

    public Result run() {
        Settings s = settings;
        validateOptions(s);
        return run(Tasks.create(s.task, s.taskOptions, "--task"), false);
    }

    /**
     * Every check {@link #run} makes before it trains — options, the model's config and vocabulary, both data
     * files with their labels, the tricks — writing nothing: cross-validation checks its whole training file so
     * before the first fold.
     */
    public void check() {
        validateOptions(settings);
        run(Tasks.create(settings.task, settings.taskOptions, "--task"), true);
    }

    /** {@code checkOnly}: returns null after the checks. */
    private <X, M, P> Result run(FinetuneTask<X, M, P> task, boolean checkOnly) {
        Settings s = settings;
        int seqLen = s.seqLen;
        String metric = s.metric != null ? s.metric : task.selectionMetrics().getFirst();
        if (!task.selectionMetrics().contains(metric)) {
            throw new InputException("--metric " + metric + ": " + task.name() + " selects by one of " + task.selectionMetrics());
        }
        Path vocabFile = s.init != null ? s.init.resolve(ModelDirectory.VOCAB) : s.vocab;
        Object configSource = s.init != null ? s.init.resolve(ModelDirectory.CONFIG) : s.modelConfig;
        NezhaConfig base = s.init != null ? ModelDirectory.readConfig(s.init) : NezhaConfig.read(s.modelConfig);
        if (seqLen == 0) seqLen = Math.min(task.defaultSeqLen(), base.maxPositionEmbeddings()); // the task's, if the model takes it
        BertTokenizer tokenizer = s.init != null ? BertTokenizer.fromModelDir(s.init)
                : new BertTokenizer(Vocab.load(s.vocab), TokenizerOptions.defaults());
        ModelChecks.vocabularyFits(tokenizer.vocab(), vocabFile, base, configSource);
        ModelSize.requireFits(base, ModelSize.Head.SEQUENCE_CLASSIFICATION, true,
                DistributedEnvironment.fromSystem().localWorldSize(), configSource);
        ModelChecks.sequenceLengthFits(seqLen, task.minimumSeqLen(), base, configSource);
        OutputPaths.requireUsableDirectory(s.output, s.overwrite || s.resume != null);
        Checkpoint resumeFrom = s.resume == null ? null : Checkpoint.read(s.resume);

        List<X> train = task.read(s.train, true);
        List<X> dev = task.read(s.dev, true);
        for (List<X> examples : List.of(train, dev)) {
            String notes = task.readingNotes(examples);
            if (notes != null) progress.info((examples == train ? s.train : s.dev) + ": " + notes);
        }
        List<String> labels = s.labels != null ? s.labels : task.labels(train); // encoding refuses a label outside them
        NezhaConfig config = task.configure(base, labels).with(Tasks.CONFIG_FIELD, task.name());
        task.checkTraining(train, config);
        if (s.thresholdSearch) requireThresholdTask(task, labels);
        if (resumeFrom != null) resumeFrom.requireLabels(config.labels());
        // every bad label or answer in either file stops the run here, before any training
        List<Feature<M>> trainFeatures = task.encode(train, labels, tokenizer, seqLen, true);
        List<Feature<M>> devFeatures = task.encode(dev, labels, tokenizer, seqLen, true);
        Map<String, Double> classWeights = s.tricks.classWeights(labels, labelCounts(trainFeatures, labels));
        ClassificationLoss classificationLoss = s.tricks.classificationLoss(labels, classWeights);
        Map<String, Object> trainingArgs = trainingArgs(s, seqLen, s.tricks.describe(classWeights));
        if (resumeFrom != null) resumeFrom.requireSameTricks(trainingArgs);
        Map<String, Object> baseline = task.metrics(dev, task.baseline(dev, labels), labels);
        if (checkOnly) return null; // nothing above writes

        try (DataParallelTraining dp = DataParallelTraining.join(execution.device())) {
            Progress progress = dp.isMain() ? this.progress : Progress.SILENT; // one rank speaks for all
            torch.manual_seed(s.seed);
            TaskModel model = task.model(config, AttentionBackends.select(execution.attention(), config));
            configureHead(model, task.name(), s.tricks, classificationLoss);
            if (s.init != null && resumeFrom == null) loadPretrained(s.init, base, config, model);
            model.parameters().moveTo(execution.device());
            progress.info(String.format(Locale.ROOT, "train: %,d examples (%,d rows), dev: %,d (%,d rows)%s, model %,d parameters",
                    train.size(), trainFeatures.size(), dev.size(), devFeatures.size(),
                    labels.isEmpty() ? "" : ", labels " + labels, model.parameters().parameterCount()));

            TaskBatcher batches = TaskBatcher.shuffled(rows(trainFeatures), tokenizer.vocab().padId(), s.batchSize, s.seed,
                    new RankSlice(dp.rank(), dp.worldSize()));
            long updatesPerEpoch = Math.max(1, batches.batchesPerEpoch() / s.gradientAccumulation); // global: the same on every rank
            long maxSteps = s.maxSteps > 0 ? s.maxSteps : updatesPerEpoch * s.epochs;
            int evalEvery = s.evalEvery > 0 ? s.evalEvery : (int) Math.min(updatesPerEpoch, maxSteps);
            if (resumeFrom != null) resumeFrom.requireBefore(maxSteps);
            Optimizer optimizer = optimizerFor(model, s);
            LearningRateSchedule.Decay decay = LearningRateSchedule.decayOf(s.tricks.scheduler());
            LearningRateSchedule schedule = new LearningRateSchedule(s.learningRate, Math.round(s.warmupRatio * maxSteps), maxSteps,
                    decay, s.tricks.effectivePolyPower(), decay == LearningRateSchedule.Decay.POLYNOMIAL ? LearningRateSchedule.POLY_END_RATE : 0.0);
            Trainer trainer = new Trainer(model.parameters().asMap(), optimizer, schedule,
                    new Trainer.Options(maxSteps, s.gradientAccumulation, s.maxGradNorm, s.logEvery,
                            s.checkpointEvery > 0 ? (int) gcd(evalEvery, s.checkpointEvery) : evalEvery),
                    execution.precision(), execution.device());
            dp.attach(model, trainer);
            if (model instanceof GlobalBatchLoss global) {
                // a rank that skips its adversarial pass (a zero or overflowing gradient) would leave the others waiting in the gather
                if (s.tricks.adversarial() != null && dp.worldSize() > 1) {
                    throw new InputException("--adversarial: " + task.name() + "'s in-batch loss gathers rows across processes; "
                            + "train it in one process");
                }
                global.gatherRowsWith(dp::gatherRows);
            }
            // the saved model records its input length: eval and predict truncate as training did
            TokenizerOptions savedTokenizer = tokenizer.options().withModelMaxLength(seqLen);
            Map<String, Object> dataShape = Checkpoint.dataShape(batches, s.gradientAccumulation);
            ExponentialMovingAverage ema = s.tricks.ema() == null ? null : new ExponentialMovingAverage(s.tricks.ema(), trainable(model));
            CheckpointWriter checkpoints = new CheckpointWriter(s.output, s.keepCheckpoints, model, vocabFile,
                    savedTokenizer, optimizer, trainer.lossScaler(), execution.device(), dataShape, trainingArgs, ema);
            long startStep = 0;
            if (resumeFrom != null) {
                startStep = resumeFrom.restore(model, optimizer, trainer.lossScaler(), ema, execution.device(), batches, dataShape);
                progress.info("resuming from " + s.resume + " at step " + startStep);
            }

            if (dp.isMain()) {
                OutputPaths.claimRunDirectory(s.output);
                JsonFiles.write(s.output.resolve(TRAINING_ARGS), trainingArgs);
            }
            Path metricsFile = dp.isMain() ? s.output.resolve(PretrainJob.METRICS) : null;
            Path bestDir = s.output.resolve(BEST_MODEL);
            List<Feature<M>> myDev = dp.evaluationShard(devFeatures);
            long start = System.nanoTime();
            boolean pinned = execution.device().is_cuda();
            try (TrainingLog log = new TrainingLog(metricsFile, startStep, metric, progress);
                    ResumableBatches<TaskBatch, HostBatch> prefetched = new ResumableBatches<>("finetune-batches", batches,
                            batch -> HostBatch.prepare(batch, pinned), 4)) {
                // resuming in the same directory: best/ and its scores stay the ones to beat
                BestModel best = new BestModel(bestDir, s.output.resolve(DEV_METRICS), metric, resumeFrom != null && dp.isMain(),
                        () -> ModelDirectory.save(bestDir, model, vocabFile, savedTokenizer));
                progress.begin("finetune", maxSteps);
                try {
                    trainer.run(new FinetuneStep(model, prefetched, execution, trainer, s.tricks.adversarialTraining(),
                            s.tricks.rdrop()), log.listener(step -> {
                        if (ema != null) ema.update(); // after every update, as HF's EMA callbacks: an fp16-skipped one too
                    }, step -> {
                        if (step % evalEvery == 0 || step == maxSteps) {
                            Runnable evaluate = () -> {
                                // every rank predicts its share of dev (no rank idles past the collective timeout)
                                List<float[]> mine = TaskInference.logits(model, myDev, tokenizer.vocab().padId(), s.evalBatchSize,
                                        execution, "dev", progress.nested(step, "dev evaluation", log.status()));
                                List<float[]> logits = dp.gather(mine, devFeatures.size());
                                if (dp.isMain()) {
                                    Map<String, Object> scores = task.metrics(dev, task.decode(model, dev, devFeatures, logits, labels), labels);
                                    log.onEvaluation(step, scores);
                                    boolean better = best.offer(step, scores);
                                    progress.info("step " + step + ": dev " + headline(scores, task.selectionMetrics())
                                            + (better ? " (best so far)" : ""));
                                }
                            };
                            if (ema != null) ema.withAverageWeights(evaluate); // dev scores and best/ are the average's
                            else evaluate.run();
                        }
                        if (dp.isMain() && s.checkpointEvery > 0 && step % s.checkpointEvery == 0) {
                            checkpoints.write(step, prefetched.position());
                        }
                    }), startStep);
                } catch (TrainingDivergedException e) {
                    progress.end();
                    throw new Divergence(s.learningRate, s.maxGradNorm, execution.precision())
                            .advise("a longer --warmup-ratio (this run: " + s.warmupRatio + ")")
                            .keep("best model so far (step " + best.step() + ")",
                                    best.scores() != null && best.step() < e.lastFiniteStep() ? bestDir : null)
                            .keep("last good checkpoint", checkpoints.newestBefore(e.lastFiniteStep()))
                            .failure(e, log, () -> writeCurve(log, metric));
                }
                progress.end();
                double seconds = (System.nanoTime() - start) / 1e9;
                if (!dp.isMain()) {
                    dp.awaitOthers();
                    return new Result(task.name(), task.selectionMetrics(), null, 0, null, metric, null, null, null, null, maxSteps, seconds, train.size(),
                            dev.size(), labels);
                }
                Path curve = writeCurve(log, metric);
                if (s.thresholdSearch) storeThreshold((ClassificationTask) task, bestDir, dev, seqLen);
                dp.awaitOthers();
                return new Result(task.name(), task.selectionMetrics(), bestDir, best.step(), best.scores(), metric, baseline, metricsFile, curve,
                        log.evaluationSeries(), maxSteps, seconds, train.size(), dev.size(), labels);
            }
        }
    }

    /** "accuracy 0.7000, macro_f1 0.6500": the selection metrics the scores have. */
    private static String headline(Map<String, Object> scores, List<String> names) {
        return String.join(", ", names.stream().filter(n -> scores.get(n) instanceof Number)
                .map(n -> String.format(Locale.ROOT, "%s %.4f", n, ((Number) scores.get(n)).doubleValue())).toList());
    }

    private static List<TaskBatcher.Row> rows(List<? extends Feature<?>> features) {
        return features.stream().map(f -> new TaskBatcher.Row(f.inputIds(), f.tokenTypeIds(), f.targets())).toList();
    }

    private Path writeCurve(TrainingLog log, String metric) {
        Path curve = settings.output.resolve(PretrainJob.LOSS_CURVE);
        LossCurve.writePng(curve, "NEZHA fine-tuning", "loss / dev " + metric,
                List.of(log.lossSeries(), log.evaluationSeries()));
        return curve;
    }

    /** The checks of the options alone, before any file is read. */
    public static void validateOptions(Settings s) {
        if ((s.init == null) == (s.modelConfig == null)) {
            throw new InputException("give either --init MODEL_DIR (fine-tune a pretrained model) or --model-config and --vocab (train from scratch)");
        }
        if (s.init != null && s.vocab != null) throw new InputException("--vocab: the vocabulary comes from --init's directory");
        if (s.init == null && s.vocab == null) throw new InputException("--model-config needs --vocab");
        if (s.init != null) ModelDirectory.requireDirectory(s.init);
        if (s.train == null || s.dev == null) throw new InputException("--train and --dev are both required");
        if (s.maxSteps < 1) OptionChecks.atLeast("--epochs", s.epochs, 1);
        OptionChecks.atLeast("--max-steps", s.maxSteps, 0);
        OptionChecks.atLeast("--batch-size", s.batchSize, 1);
        OptionChecks.positive("--lr", s.learningRate);
        OptionChecks.fractionBelowOne("--warmup-ratio", s.warmupRatio);
        Optimizers.check(s.optimizer, s.weightDecay, epsilon(s));
        s.tricks.validate(s.task, Boolean.TRUE.equals(s.taskOptions.crf()), s.learningRate);
        OptionChecks.atLeast("--grad-accum", s.gradientAccumulation, 1);
        OptionChecks.nonNegative("--max-grad-norm", s.maxGradNorm);
        OptionChecks.atLeast("--log-every", s.logEvery, 1);
        OptionChecks.atLeast("--eval-every", s.evalEvery, 0);
        OptionChecks.atLeast("--checkpoint-every", s.checkpointEvery, 0);
        OptionChecks.atLeast("--keep-checkpoints", s.keepCheckpoints, 0);
    }

    private static void requireThresholdTask(FinetuneTask<?, ?, ?> task, List<String> labels) {
        if (!(task instanceof ClassificationTask)) throw new InputException("--threshold-search is for pair and single classification, not " + task.name());
        DecisionThreshold.requireBinary(labels, "--threshold-search");
    }

    /** {@code --threshold-search}: the best model's own dev predictions pick its threshold, stored with it. */
    @SuppressWarnings("unchecked") // a ClassificationTask's examples are TaskExamples
    private void storeThreshold(ClassificationTask task, Path bestDir, List<?> dev, int seqLen) {
        List<TaskExample> examples = (List<TaskExample>) dev;
        FineTunedModel<TaskExample, Void, ClassificationTask.Prediction> best = FineTunedModel.load(task, bestDir, execution);
        var predictions = best.predict(examples, true, seqLen, settings.evalBatchSize, true, "threshold search", progress).predictions();
        DecisionThreshold.Choice choice = DecisionThreshold.search(examples, predictions, best.labels());
        DecisionThreshold.store(bestDir, choice.threshold());
        progress.info(String.format(Locale.ROOT, "threshold %.4f on P(%s) (stored in %s): dev positive_f1 %.4f",
                choice.threshold(), best.labels().get(1), bestDir.resolve(ModelDirectory.CONFIG), choice.positiveF1()));
    }

    /**
     * The pretrained encoder, and its head too when it was fine-tuned for the same task and labels. An
     * MLM checkpoint has no task head (and maybe no pooler): those start fresh.
     */
    private void loadPretrained(Path init, NezhaConfig initConfig, NezhaConfig config, TaskModel model) {
        boolean sameHead = Objects.equals(initConfig.text(Tasks.CONFIG_FIELD), config.text(Tasks.CONFIG_FIELD))
                && initConfig.labels().equals(config.labels());
        String encoder = ModelFamily.of(config).prefix();
        ParameterStore.LoadReport report = ModelDirectory.loadWeights(init, model, name -> sameHead || name.startsWith(encoder));
        if (!report.missing().isEmpty()) progress.info("initialised fresh (not in " + init + "): " + report.missing());
    }

    /**
     * Switches on the tricks that change the head — the chosen loss ({@code loss}: null for the head's own) and
     * multi-sample dropout — and checks R-Drop's, refusing those the task's head has no place for.
     */
    private static void configureHead(TaskModel model, String task, TrainingTricks tricks, ClassificationLoss loss) {
        if (loss != null) {
            if (!(model instanceof ChoosableLoss head)) throw new InputException("--loss: " + task + "'s head has no softmax loss to replace");
            try {
                head.useLoss(loss);
            } catch (IllegalArgumentException e) {
                throw new InputException("--loss " + tricks.loss() + ": " + e.getMessage());
            }
        }
        if (tricks.multiSampleDropout() > 1) {
            if (!(model instanceof MultiSampleDropoutHead head)) {
                throw new InputException("--multi-sample-dropout: " + task + "'s head has no output layer to draw dropout masks before");
            }
            head.dropoutSamples(tricks.multiSampleDropout());
        }
        if (tricks.rdrop() != null && !(model instanceof DistributionHead)) {
            throw new InputException("--rdrop: " + task + "'s head predicts no distributions to compare");
        }
    }

    /** The parameters that train (frozen ones take no gradient), by name. */
    private static Map<String, Tensor> trainable(TaskModel model) {
        Map<String, Tensor> trainable = new LinkedHashMap<>();
        model.parameters().asMap().forEach((name, p) -> {
            if (p.requires_grad()) trainable.put(name, p);
        });
        return trainable;
    }

    private static double epsilon(Settings s) {
        return s.epsilon != null ? s.epsilon : Optimizers.defaultEpsilon(s.optimizer);
    }

    /**
     * The optimizer over the parameters that train (all but frozen embeddings, whose gradients are switched
     * off too), each at its group's rate: {@link ParameterGroups}.
     */
    private static Optimizer optimizerFor(TaskModel model, Settings s) {
        Map<String, Tensor> parameters = model.parameters().asMap();
        double headFactor = s.tricks.headLr() != null ? s.tricks.headLr() / s.learningRate : 1.0;
        ParameterGroups groups = new ParameterGroups(parameters.keySet(), ModelFamily.of(model.config()).prefix(),
                s.tricks.layerwiseLrDecay(), headFactor, s.tricks.freezeEmbeddings());
        Map<String, Tensor> trainable = new LinkedHashMap<>();
        for (String name : groups.trainable()) trainable.put(name, parameters.get(name));
        parameters.forEach((name, p) -> {
            if (!trainable.containsKey(name)) p.requires_grad_(false);
        });
        return Optimizers.create(s.optimizer, trainable, groups.rates(), s.weightDecay, epsilon(s));
    }

    /**
     * The training targets per label, for the tasks whose targets are label indices ({@code --class-weights}):
     * rows of pair/single, scored tokens of ner (ignored positions are negative). Span extraction has no labels.
     */
    private static long[] labelCounts(List<? extends Feature<?>> features, List<String> labels) {
        long[] counts = new long[labels.size()];
        for (Feature<?> f : features) {
            if (f.targets() == null) continue;
            for (long target : f.targets()) if (target >= 0 && target < counts.length) counts[(int) target]++;
        }
        return counts;
    }

    /** What {@link #TRAINING_ARGS} holds: the run's settings (paths as given) and its tricks in effect. */
    private static Map<String, Object> trainingArgs(Settings s, int seqLen, Map<String, Object> tricks) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("task", s.task);
        args.put("init", s.init == null ? null : s.init.toString());
        args.put("model_config", s.modelConfig == null ? null : s.modelConfig.toString());
        args.put("train", s.train.toString());
        args.put("dev", s.dev.toString());
        args.put("epochs", s.epochs);
        args.put("max_steps", s.maxSteps);
        args.put("batch_size", s.batchSize);
        args.put("seq_len", seqLen);
        args.put("learning_rate", s.learningRate);
        args.put("warmup_ratio", s.warmupRatio);
        args.put("optimizer", s.optimizer);
        args.put("weight_decay", s.weightDecay);
        args.put("epsilon", epsilon(s));
        args.put("gradient_accumulation", s.gradientAccumulation);
        args.put("max_grad_norm", s.maxGradNorm);
        args.put("seed", s.seed);
        args.put("metric", s.metric);
        args.put("threshold_search", s.thresholdSearch);
        args.put(TRICKS, tricks);
        return args;
    }

    /** A batch with its targets prepared ahead in host memory (pinned for a GPU). */
    private record HostBatch(BatchTensors inputs, Tensor targets, double lossWeight) {
        static HostBatch prepare(TaskBatch batch, boolean pinned) {
            return new HostBatch(BatchTensors.onHost(batch.inputs(), pinned),
                    Tensors.hostLongs(batch.targets(), pinned, batch.inputs().batchSize(), batch.targetWidth()), batch.lossWeight());
        }
    }

    /**
     * One training micro-batch of any task: the head's logits and loss against the batch's targets, on the model's
     * device. Logits that stack several samples of the batch's rows (multi-sample dropout, R-Drop's two passes) take
     * the mean of the samples' losses; with {@code rdrop} (null: none) the batch's rows run twice in one forward (each
     * row draws its own dropout masks; the fused attention's segmented graph allows one backward per forward), adding
     * α × the passes' symmetric KL; with {@code adversarial} (null: none), its backward adds the adversarial passes on
     * the same batch, each with the same loss (R-Drop's or multi-sample dropout's included).
     */
    private static final class FinetuneStep implements Trainer.Task {
        private final TaskModel model;
        private final ResumableBatches<TaskBatch, HostBatch> batches;
        private final Execution execution;
        private final Trainer trainer;
        private final AdversarialTraining adversarial;
        private final Double rdrop;
        private BatchTensors inputs;
        private Tensor targets;
        private double lossWeight;

        FinetuneStep(TaskModel model, ResumableBatches<TaskBatch, HostBatch> batches, Execution execution, Trainer trainer,
                AdversarialTraining adversarial, Double rdrop) {
            this.model = model;
            this.batches = batches;
            this.execution = execution;
            this.trainer = trainer;
            this.adversarial = adversarial;
            this.rdrop = rdrop;
        }

        @Override
        public Trainer.Forward forward() {
            HostBatch batch = batches.next();
            inputs = batch.inputs().to(execution.device());
            targets = Tensors.onDevice(batch.targets(), execution.device());
            lossWeight = batch.lossWeight();
            return new Trainer.Forward(currentLoss(), inputs.realTokens());
        }

        private Tensor currentLoss() {
            Tensor logits = model.logits(eachPass(inputs.inputIds()), eachPass(inputs.tokenTypeIds()), eachPass(inputs.attentionMask()),
                    true);
            long rows = targets.size(0), samples = logits.size(0) / rows;
            Tensor mean = samples == 1 ? model.loss(logits, targets, inputs.attentionMask(), lossWeight)
                    : model.loss(logits, targets.repeat(samples, 1), inputs.attentionMask().repeat(samples, 1), lossWeight / samples);
            if (rdrop == null) return mean;
            Tensor kl = ((DistributionHead) model).symmetricKl(logits.narrow(0, 0, rows), logits.narrow(0, rows, rows), targets, lossWeight);
            return mean.add(kl.mul(Tensors.scalar(rdrop)));
        }

        /** The batch's rows once, or twice for R-Drop. */
        private Tensor eachPass(Tensor rows) {
            return rdrop == null ? rows : rows.repeat(2, 1);
        }

        @Override
        public void backward(Tensor scaledLoss) {
            if (adversarial == null) {
                model.backward(scaledLoss);
                return;
            }
            adversarial.backward(model.encoder().wordEmbeddings(), model.parameters().asMap().values(), new AdversarialTraining.Passes() {
                @Override
                public void cleanBackward() {
                    model.backward(scaledLoss);
                }

                @Override
                public void perturbedPass() {
                    Tensor perturbed;
                    try (Precision.Region autocast = execution.precision().autocast(execution.device())) {
                        perturbed = currentLoss();
                    }
                    model.backward(perturbed.mul(Tensors.scalar(trainer.lossFactor())));
                }

                @Override
                public void holdingHandover(Runnable backward) {
                    trainer.holdingGradientHandover(backward);
                }
            });
        }
    }

    /** The trainer stops at multiples of this for both evaluations and checkpoints. */
    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

}
