package org.nezha.core.distributed;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.io.SafeTensors;
import org.nezha.core.model.AttentionBackends;
import org.nezha.core.model.NezhaForMaskedLM;
import org.nezha.core.tensor.Tensors;
import org.nezha.core.train.AdamW;
import org.nezha.core.train.LearningRateSchedule;
import org.nezha.core.train.Precision;
import org.nezha.core.train.Trainer;

/**
 * One rank of {@link DataParallelTrainingTest}: {@code TrainingWorker ATTENTION ACCUMULATION OUT_DIR [DEVICE]}.
 * Trains a tiny masked LM (no dropout) for a few AdamW updates on a fixed global batch of 8
 * sequences, of which this rank takes its slice, split into ACCUMULATION micro-batches; each
 * sequence has the same number of masked tokens, so every split averages to the same gradient.
 * Writes its final parameters to OUT_DIR/rankR.safetensors.
 */
final class TrainingWorker {
    static final int SEQUENCES = 8, LENGTH = 12, MASKED = 3, VOCAB = 120, STEPS = 3;

    private TrainingWorker() {}

    public static void main(String[] args) throws Exception {
        String attention = args[0];
        int accumulation = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        Device device = new Device(args.length > 3 ? args[3] : "cpu");
        NezhaConfig config = NezhaConfig.parse("""
                {"vocab_size": %d, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2,
                 "intermediate_size": 48, "hidden_dropout_prob": 0, "attention_probs_dropout_prob": 0,
                 "max_relative_position": 4, "position_embedding_type": "relative_functional"}""".formatted(VOCAB), "test");
        try (DataParallelTraining dp = DataParallelTraining.join(device)) {
            torch.manual_seed(11 + dp.rank()); // different starts: the broadcast must make them equal
            NezhaForMaskedLM model = new NezhaForMaskedLM(config, AttentionBackends.byName(attention));
            model.parameters().moveTo(device);
            // a large ε keeps Adam from amplifying float rounding in near-zero gradients (reduction order differs by split)
            AdamW optimizer = new AdamW(model.parameters().asMap(), 0.9, 0.999, 1e-3, 0.01, AdamW::decayedByDefault);
            Trainer trainer = new Trainer(model.parameters().asMap(), optimizer,
                    new LearningRateSchedule(1e-2, 0, STEPS, LearningRateSchedule.Decay.CONSTANT, 1, 0),
                    new Trainer.Options(STEPS, accumulation, 1.0, STEPS, 0), Precision.FP32, device);
            dp.attach(model, trainer);
            List<Integer> mine = new ArrayList<>(); // this rank's slice: every world-size-th sequence from its rank
            for (int s = dp.rank(); s < SEQUENCES; s += dp.worldSize()) mine.add(s);
            int perMicro = mine.size() / accumulation;
            int[] micro = {0};
            trainer.run(new Trainer.Task() {
                @Override
                public Trainer.Forward forward() {
                    List<Integer> rows = mine.subList(micro[0] * perMicro, (micro[0] + 1) * perMicro);
                    micro[0] = (micro[0] + 1) % accumulation;
                    Batch b = Batch.of(rows, device);
                    return new Trainer.Forward(model.loss(b.ids, b.types, b.mask, b.positions, b.labels, true), rows.size() * LENGTH);
                }

                @Override
                public void backward(Tensor scaledLoss) {
                    model.backward(scaledLoss);
                }
            }, new Trainer.Listener() {}, 0);
            SafeTensors.write(out.resolve("rank" + dp.rank() + ".safetensors"), model.parameters().asMap(), Map.of());
            dp.awaitOthers();
        }
        System.out.println("done");
        System.out.flush();
        Runtime.getRuntime().halt(0); // libtorch's CUDA and NCCL teardown at exit can be slow or noisy; nothing is left to run
    }

    /** The given rows of the fixed global batch (the same on every rank). */
    private record Batch(Tensor ids, Tensor types, Tensor mask, Tensor positions, Tensor labels) {
        static Batch of(List<Integer> rows, Device device) {
            SplittableRandom random = new SplittableRandom(5);
            long[][] allIds = new long[SEQUENCES][LENGTH], allPositions = new long[SEQUENCES][MASKED];
            long[][] allLabels = new long[SEQUENCES][MASKED];
            for (int s = 0; s < SEQUENCES; s++) {
                for (int i = 0; i < LENGTH; i++) allIds[s][i] = random.nextInt(5, VOCAB);
                for (int m = 0; m < MASKED; m++) {
                    allPositions[s][m] = 1 + 3 * m + random.nextInt(3);
                    allLabels[s][m] = random.nextInt(5, VOCAB);
                }
            }
            int n = rows.size();
            List<Long> ids = new ArrayList<>(), positions = new ArrayList<>(), labels = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int s = rows.get(r);
                for (long id : allIds[s]) ids.add(id);
                for (int m = 0; m < MASKED; m++) {
                    positions.add((long) r * LENGTH + allPositions[s][m]);
                    labels.add(allLabels[s][m]);
                }
            }
            long[] ones = new long[n * LENGTH], zeros = new long[n * LENGTH];
            java.util.Arrays.fill(ones, 1);
            return new Batch(longs(ids, device, n, LENGTH), Tensors.longs(zeros, device, n, LENGTH),
                    Tensors.longs(ones, device, n, LENGTH), longs(positions, device, n * MASKED), longs(labels, device, n * MASKED));
        }

        private static Tensor longs(List<Long> values, Device device, long... shape) {
            return Tensors.longs(values.stream().mapToLong(Long::longValue).toArray(), device, shape);
        }
    }
}
