package org.nezha.core.task.ner;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.model.EagerAttention;
import org.nezha.core.model.TaskModel;
import org.nezha.core.task.Feature;
import org.nezha.core.tensor.Tensors;
import org.nezha.core.train.Optimizer;
import org.nezha.core.train.Optimizers;

/**
 * A tiny NEZHA (hidden 32, 2 layers, 2 heads) trained from scratch with plain AdamW steps learns to tag: entity
 * F1 far above the all-O baseline (0), with the softmax head and with the CRF. The data: 300 sentences of the
 * bundled Resume NER training set, scored on them and on 150 other sentences of it.
 */
class NerLearningTest {
    private static final Device CPU = new Device("cpu").retainReference();
    private static final int SEQ_LEN = 64, BATCH = 16;

    private static NezhaConfig tiny() {
        return NezhaConfig.parse("""
                {"model_type": "nezha", "vocab_size": 21128, "hidden_size": 32, "num_hidden_layers": 2,
                 "num_attention_heads": 2, "intermediate_size": 64, "max_relative_position": 16,
                 "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0}
                """, "tiny.json");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void learnsToTag(boolean crf) {
        List<NerExample> all = NerReader.read(Path.of("../data/ner_resume/train.bmes"), true);
        Scores scores = train(crf, all.subList(0, 300), all.subList(1000, 1150), 300);
        assertTrue((double) scores.train().get("f1") > 0.5, "F1 on the training sentences " + scores.train());
        assertTrue((double) scores.heldOut().get("f1") > 0.1, "F1 on held-out sentences " + scores.heldOut());
    }

    private record Scores(Map<String, Object> train, Map<String, Object> heldOut) {}

    /** Trains for {@code steps} batches; the scores on the training and on the held-out sentences. */
    private static Scores train(boolean crf, List<NerExample> train, List<NerExample> heldOut, int steps) {
        NerTask task = new NerTask(null, crf);
        List<String> labels = task.labels(train);
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(1);
            TaskModel model = task.model(tiny().withLabels(labels), new EagerAttention());
            List<Feature<TagWindow>> rows = task.encode(train, labels, NerFixtures.TOKENIZER, SEQ_LEN, true);
            Optimizer adam = Optimizers.create("adamw", model.parameters().asMap(), 0.01, 1e-8);
            SplittableRandom random = new SplittableRandom(2);
            long began = System.nanoTime();
            List<Integer> order = new ArrayList<>();
            for (int step = 0; step < steps; step++) {
                if (order.size() < BATCH) order = shuffled(rows.size(), random);
                List<Feature<TagWindow>> batch = new ArrayList<>();
                for (int i = 0; i < BATCH; i++) batch.add(rows.get(order.removeLast()));
                try (PointerScope stepScope = new PointerScope()) {
                    Tensor[] in = tensors(batch);
                    Tensor loss = model.loss(model.logits(in[0], in[1], in[2], true), in[3], in[2], 1.0 / BATCH);
                    model.backward(loss);
                    adam.step(3e-3);
                    adam.zeroGrad();
                }
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            Map<String, Object> seen = evaluate(task, model, train, labels), unseen = evaluate(task, model, heldOut, labels);
            System.out.printf("NER learning (%s, %d steps, %.1f s): train F1 %.3f, held-out F1 %.3f (P %.3f R %.3f, token acc %.3f)%n",
                    crf ? "CRF" : "softmax", steps, seconds, seen.get("f1"), unseen.get("f1"), unseen.get("precision"),
                    unseen.get("recall"), unseen.get("token_accuracy"));
            adam.release();
            return new Scores(seen, unseen);
        }
    }

    private static List<Integer> shuffled(int n, SplittableRandom random) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) order.add(i);
        for (int i = n - 1; i > 0; i--) java.util.Collections.swap(order, i, random.nextInt(i + 1));
        return order;
    }

    private static Map<String, Object> evaluate(NerTask task, TaskModel model, List<NerExample> examples, List<String> labels) {
        List<Feature<TagWindow>> rows = task.encode(examples, labels, NerFixtures.TOKENIZER, SEQ_LEN, true);
        List<float[]> logits = new ArrayList<>();
        int tags = labels.size();
        for (int start = 0; start < rows.size(); start += BATCH) {
            List<Feature<TagWindow>> batch = rows.subList(start, Math.min(rows.size(), start + BATCH));
            try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
                Tensor[] in = tensors(batch);
                float[] all = Tensors.toFloats(model.logits(in[0], in[1], in[2], false));
                int length = (int) in[0].size(1);
                for (int b = 0; b < batch.size(); b++) {
                    int offset = b * length * tags;
                    logits.add(Arrays.copyOfRange(all, offset, offset + batch.get(b).inputIds().length * tags));
                }
            }
        }
        return task.metrics(examples, task.decode(model, examples, rows, logits, labels), labels);
    }

    /** Input ids, token types, mask and targets, padded to the batch's longest row. */
    private static Tensor[] tensors(List<Feature<TagWindow>> batch) {
        int length = batch.stream().mapToInt(f -> f.inputIds().length).max().orElseThrow(), b = batch.size();
        long[] ids = new long[b * length], types = new long[b * length], mask = new long[b * length], targets = new long[b * length];
        Arrays.fill(targets, TaskModel.IGNORED);
        for (int r = 0; r < b; r++) {
            Feature<TagWindow> f = batch.get(r);
            for (int i = 0; i < f.inputIds().length; i++) {
                ids[r * length + i] = f.inputIds()[i];
                mask[r * length + i] = 1;
                targets[r * length + i] = f.targets()[i];
            }
        }
        return new Tensor[] {Tensors.longs(ids, CPU, b, length), Tensors.longs(types, CPU, b, length), Tensors.longs(mask, CPU, b, length),
                Tensors.longs(targets, CPU, b, length)};
    }
}
