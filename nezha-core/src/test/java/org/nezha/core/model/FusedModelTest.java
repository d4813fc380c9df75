package org.nezha.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.tensor.Tensors;

/**
 * A whole model trained with the fused backend (graph cuts, kernel backward between segments) gives
 * the loss and the gradient of every parameter that eager attention gives, on a padded batch, for
 * NEZHA, BERT and ALBERT.
 */
class FusedModelTest {
    private static final Device CPU = new Device("cpu");
    private static final Path CONFIG = Path.of("src/test/resources/configs/nezha-test.json");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {NezhaConfig.RELATIVE_FUNCTIONAL, NezhaConfig.ABSOLUTE})
    void everyParameterGradientMatchesEager(String positions) {
        assertFusedMatchesEager(NezhaConfig.read(CONFIG).with("hidden_dropout_prob", "0.0")
                .with("attention_probs_dropout_prob", "0.0").with("position_embedding_type", positions));
    }

    /** ALBERT: absolute positions, narrower embeddings, blocks shared by several layers (groups 0 0 1 1, two blocks each). */
    @Test
    void albertsGradientsMatchEager() {
        assertFusedMatchesEager(TinyModels.albert(4, 2, 2, 16));
    }

    private static void assertFusedMatchesEager(NezhaConfig config) {
        try (PointerScope scope = new PointerScope()) {
            int b = 3, l = 37, n = 11;
            Random random = new Random(1);
            long[] ids = new long[b * l], types = new long[b * l], mask = new long[b * l];
            int[] valid = {37, 20, 5};
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < valid[i]; j++) {
                    ids[i * l + j] = 1 + random.nextInt(config.vocabSize() - 1);
                    types[i * l + j] = j > valid[i] / 2 ? 1 : 0;
                    mask[i * l + j] = 1;
                }
            }
            long[] positionsMasked = new long[n], labels = new long[n];
            for (int i = 0; i < n; i++) {
                int row = i % b;
                positionsMasked[i] = row * l + random.nextInt(valid[row]);
                labels[i] = random.nextInt(config.vocabSize());
            }
            Tensor[] batch = {Tensors.longs(ids, CPU, b, l), Tensors.longs(types, CPU, b, l), Tensors.longs(mask, CPU, b, l),
                Tensors.longs(positionsMasked, CPU, n), Tensors.longs(labels, CPU, n)};

            torch.manual_seed(5);
            NezhaForMaskedLM eager = new NezhaForMaskedLM(config, new EagerAttention());
            torch.manual_seed(5);
            NezhaForMaskedLM fused = new NezhaForMaskedLM(config, new FusedAttention());
            double eagerLoss = lossAndBackward(eager, batch);
            double fusedLoss = lossAndBackward(fused, batch);
            assertEquals(eagerLoss, fusedLoss, 1e-5 * Math.abs(eagerLoss), "loss");

            Map<String, Tensor> want = eager.parameters().asMap(), got = fused.parameters().asMap();
            assertEquals(want.keySet(), got.keySet());
            for (String name : want.keySet()) {
                Tensor wg = want.get(name).grad(), gg = got.get(name).grad();
                assertTrue(wg.defined() && gg.defined(), name + " has a gradient in both");
                // floor 1e-6: the key bias gradient is exactly 0 in theory (softmax ignores a per-row constant), noise in practice
                NumericAsserts.assertClose(Tensors.toDoubles(wg.to(torch.ScalarType.Double).contiguous()),
                        Tensors.toDoubles(gg.to(torch.ScalarType.Double).contiguous()), 1e-4, 1e-6, name);
            }
        }
    }

    private static double lossAndBackward(NezhaForMaskedLM model, Tensor[] batch) {
        Tensor loss = model.loss(batch[0], batch[1], batch[2], batch[3], batch[4], true);
        model.backward(loss);
        return loss.item_double();
    }
}
