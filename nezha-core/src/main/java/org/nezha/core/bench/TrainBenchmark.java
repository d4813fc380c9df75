package org.nezha.core.bench;

import static org.nezha.core.bench.BenchRows.finite;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.distributed.DataParallelTraining;
import org.nezha.core.model.AttentionBackends;
import org.nezha.core.model.NezhaForMaskedLM;
import org.nezha.core.tensor.Tensors;
import org.nezha.core.train.LearningRateSchedule;
import org.nezha.core.train.Optimizer;
import org.nezha.core.train.Optimizers;
import org.nezha.core.train.PhaseClock;
import org.nezha.core.train.Precision;
import org.nezha.core.train.Trainer;

/**
 * The masked-LM training step of a model config on synthetic tokens, through the real
 * {@link Trainer} (autocast, loss scaling, gradient sync, clipping, optimizer): throughput over
 * {@code steps} updates timed back to back, then a per-phase breakdown over a few more updates
 * that wait for the device between phases, peak memory, and model-FLOPs utilisation against a
 * dense matmul peak measured in the same run.
 */
public final class TrainBenchmark {
    /** The first id of an ordinary token in BERT-style Chinese vocabularies ([PAD], [unused…], [UNK], [CLS], … come first). */
    static final int FIRST_ORDINARY_ID = 106;

    public static final class Settings {
        public NezhaConfig config;
        public List<Integer> seqLens = List.of(128), batchSizes = List.of(32);
        public List<Precision> precisions = List.of(Precision.FP32);
        public List<String> attentions = List.of("fused");
        public Device device = new Device("cpu");
        public String optimizer = "adamw";
        public int warmup = 3, steps = 10, breakdownSteps = 3;
        public int maxPredictions = 20;
        public double maskProb = 0.15;
        /** This process's place in data-parallel training (a single process unless run under nezha launch). */
        public DataParallelTraining dataParallel;
    }

    /** One measured (seq_len, batch_size, precision, attention); NaN times with {@code error} set when it failed. */
    public record Row(int seqLen, int batchSize, String precision, String attention, int worldSize, String device,
            String optimizer, double stepMs, Map<PhaseClock.Phase, Double> phaseMs, double modelTflopsPerStep,
            double matmulPeakTflops, long peakMemBytes, String error) {
        /** Tokens per second over all processes (batch is per process). */
        public double tokensPerSecond() {
            return (double) seqLen * batchSize * worldSize / (stepMs * 1e-3);
        }

        public double seqsPerSecond() {
            return (double) batchSize * worldSize / (stepMs * 1e-3);
        }

        /** Model FLOPs per second of one process over the measured matmul peak of its device. */
        public double mfu() {
            return modelTflopsPerStep / (stepMs * 1e-3) / matmulPeakTflops;
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("implementation", "nezha-java"); // bench/reference/nezha_train_bench.py writes pytorch-eager / pytorch-compile
            m.put("seq_len", seqLen);
            m.put("batch_size", batchSize);
            m.put("precision", precision);
            m.put("attention", attention);
            m.put("world_size", worldSize);
            m.put("device", device);
            m.put("optimizer", optimizer);
            m.put("tokens_per_s", finite(tokensPerSecond()));
            m.put("seqs_per_s", finite(seqsPerSecond()));
            m.put("step_ms", finite(stepMs));
            for (PhaseClock.Phase p : PhaseClock.Phase.values()) {
                m.put(p.name().toLowerCase(java.util.Locale.ROOT) + "_ms", finite(phaseMs.getOrDefault(p, Double.NaN)));
            }
            m.put("mfu", finite(mfu()));
            m.put("model_tflops_per_step", finite(modelTflopsPerStep));
            m.put("matmul_peak_tflops", finite(matmulPeakTflops));
            m.put("peak_mem_bytes", peakMemBytes < 0 ? null : peakMemBytes);
            if (error != null) m.put("error", error);
            return m;
        }
    }

    /**
     * Model FLOPs of one training step of one process: 3 × the forward, which per sequence is
     * layers × [L·(8h² + 4·h·I) + 4·L²·h (QKᵀ and PV) + 4·L²·h (the relative key and value terms)]
     * + M·(2h² + 2·h·V) for the MLM head at the M masked positions. The same formula is in
     * bench/reference/nezha_train_bench.py.
     */
    public static double trainingFlopsPerStep(NezhaConfig c, int seqLen, int batchSize, int masked) {
        double h = c.hiddenSize(), inter = c.intermediateSize(), v = c.vocabSize(), l = seqLen;
        double relative = c.hasAbsolutePositions() ? 0 : 4 * l * l * h;
        double perLayer = l * (8 * h * h + 4 * h * inter) + 4 * l * l * h + relative;
        double forward = c.numHiddenLayers() * perLayer + masked * (2 * h * h + 2 * h * v);
        return 3 * forward * batchSize;
    }

    /** Masked positions per sequence: BERT's rule, at most {@code maxPredictions}, at least one. */
    static int maskedPerSequence(int seqLen, double maskProb, int maxPredictions) {
        return Math.max(1, Math.min(maxPredictions, (int) Math.round(seqLen * maskProb)));
    }

    public List<Row> run(Settings s, Consumer<Row> onRow) {
        List<Row> rows = new ArrayList<>();
        Map<Precision, Double> peaks = new EnumMap<>(Precision.class);
        for (Precision precision : s.precisions) {
            double peak = peaks.computeIfAbsent(precision, p -> MatmulPeak.measure(s.device, p));
            for (String attention : s.attentions) {
                for (int seqLen : s.seqLens) {
                    for (int batch : s.batchSizes) {
                        Row row = measure(s, seqLen, batch, precision, attention, peak);
                        rows.add(row);
                        onRow.accept(row);
                    }
                }
            }
        }
        return rows;
    }

    private Row measure(Settings s, int seqLen, int batch, Precision precision, String attention, double peak) {
        int masked = maskedPerSequence(seqLen, s.maskProb, s.maxPredictions);
        double flops = trainingFlopsPerStep(s.config, seqLen, batch, masked) / 1e12;
        DeviceMeter memory = DeviceMeter.of(s.device);
        PhaseTimes phases = new PhaseTimes(memory);
        List<Runnable> frees = new ArrayList<>(); // the model and optimizer state outlive scopes: free them per case
        try (PointerScope scope = new PointerScope()) {
            memory.start();
            torch.manual_seed(1234);
            NezhaForMaskedLM model = new NezhaForMaskedLM(s.config, AttentionBackends.byName(attention));
            frees.add(model.parameters()::release);
            model.parameters().moveTo(s.device);
            Optimizer optimizer = Optimizers.create(s.optimizer, model.parameters().asMap(), 0.01, 1e-6);
            frees.add(optimizer::release);
            long total = (long) s.warmup + s.steps + s.breakdownSteps;
            Trainer trainer = new Trainer(model.parameters().asMap(), optimizer,
                    new LearningRateSchedule(1e-4, 0, total, LearningRateSchedule.Decay.CONSTANT, 1, 0),
                    new Trainer.Options(total, 1, 1.0, Integer.MAX_VALUE, 0), precision, s.device);
            s.dataParallel.attach(model, trainer);
            SyntheticBatch data = SyntheticBatch.create(s.config, seqLen, batch, masked, s.device);
            long[] timed = new long[2];
            trainer.run(new Trainer.Task() {
                @Override
                public Trainer.Forward forward() {
                    Tensor loss = model.loss(data.inputIds, data.tokenTypeIds, data.attentionMask, data.maskedPositions,
                            data.labels, true);
                    return new Trainer.Forward(loss, (long) seqLen * batch);
                }

                @Override
                public void backward(Tensor scaledLoss) {
                    model.backward(scaledLoss);
                }
            }, new Trainer.Listener() {
                @Override
                public void onUpdate(long step) {
                    if (step == s.warmup) {
                        memory.synchronize();
                        timed[0] = System.nanoTime();
                    } else if (step == s.warmup + s.steps) {
                        memory.synchronize();
                        timed[1] = System.nanoTime();
                        phases.begin();
                        trainer.timePhases(phases);
                    }
                }
            }, 0);
            memory.stopMillis(); // ends the memory accounting begun before the model was built
            double stepMs = (timed[1] - timed[0]) / 1e6 / s.steps;
            return new Row(seqLen, batch, precision.optionName(), attention, s.dataParallel.worldSize(),
                    s.device.str().getString(), optimizer.name(), stepMs, phases.meanMillis(s.breakdownSteps), flops, peak,
                    memory.peakBytes(), null);
        } catch (RuntimeException e) {
            // with peers, a rank that skipped to the next case would no longer match their collectives
            if (s.dataParallel.worldSize() > 1) throw e;
            return new Row(seqLen, batch, precision.optionName(), attention, s.dataParallel.worldSize(),
                    s.device.str().getString(), s.optimizer, Double.NaN, Map.of(), flops, peak, -1, BenchRows.firstLine(e));
        } finally {
            frees.forEach(Runnable::run);
        }
    }

    /** Milliseconds per phase, waiting for the device at each mark so a phase's kernels count to it. */
    private static final class PhaseTimes implements PhaseClock {
        private final DeviceMeter device;
        private final Map<Phase, Double> totals = new EnumMap<>(Phase.class);
        private long last;

        PhaseTimes(DeviceMeter device) {
            this.device = device;
        }

        void begin() {
            last = System.nanoTime();
        }

        @Override
        public void phaseEnded(Phase phase) {
            device.synchronize();
            long now = System.nanoTime();
            totals.merge(phase, (now - last) / 1e6, Double::sum);
            last = now;
        }

        Map<Phase, Double> meanMillis(int steps) {
            Map<Phase, Double> mean = new EnumMap<>(Phase.class);
            totals.forEach((p, ms) -> mean.put(p, ms / steps));
            return mean;
        }
    }

    /** One fixed random batch on the device: no padding, {@code masked} distinct positions per sequence. */
    private record SyntheticBatch(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, Tensor maskedPositions,
            Tensor labels) {
        static SyntheticBatch create(NezhaConfig c, int seqLen, int batch, int masked, Device device) {
            SplittableRandom random = new SplittableRandom(99);
            long[] ids = new long[batch * seqLen], types = new long[batch * seqLen], ones = new long[batch * seqLen];
            long[] positions = new long[batch * masked], labels = new long[batch * masked];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = random.nextInt(FIRST_ORDINARY_ID, c.vocabSize());
                types[i] = i % seqLen < seqLen / 2 ? 0 : 1;
                ones[i] = 1;
            }
            for (int b = 0; b < batch; b++) {
                int[] order = random.ints(0, Math.max(1, seqLen - 2)).distinct().limit(Math.min(masked, Math.max(1, seqLen - 2)))
                        .toArray();
                for (int m = 0; m < masked; m++) {
                    positions[b * masked + m] = (long) b * seqLen + 1 + order[m % order.length];
                    labels[b * masked + m] = random.nextInt(FIRST_ORDINARY_ID, c.vocabSize());
                }
            }
            Tensor idT = Tensors.longs(ids, device, batch, seqLen);
            Tensor typeT = Tensors.longs(types, device, batch, seqLen);
            Tensor maskT = Tensors.longs(ones, device, batch, seqLen);
            Tensor posT = Tensors.longs(positions, device, batch * masked);
            Tensor labelT = Tensors.longs(labels, device, batch * masked);
            return new SyntheticBatch(idT, typeT, maskT, posT, labelT);
        }
    }
}
