package org.nezha.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.tensor.Tensors;

/**
 * The data-parallel hook: during the backward, each layer's parameters (and, with the top layer, the
 * MLM head above the encoder) are handed over last layer first, each exactly once, and their gradients
 * are already final then (a block several layers share: after the lowest of them); only the
 * embeddings are left for the end.
 */
class GradientsReadyHookTest {
    private static final Device CPU = new Device("cpu");
    private static final Path CONFIG = Path.of("src/test/resources/configs/nezha-test.json");

    @ParameterizedTest
    @ValueSource(strings = {"fused", "eager"})
    void layersAreHandedOverWithFinalGradientsLastLayerFirst(String attention) {
        try (PointerScope scope = new PointerScope()) {
            NezhaConfig config = NezhaConfig.read(CONFIG).with("num_hidden_layers", "3");
            NezhaForMaskedLM model = new NezhaForMaskedLM(config, AttentionBackends.byName(attention));
            List<List<String>> handedOver = handOversOfOneBackward(model);

            assertEquals(3, handedOver.size(), "one hand-over per layer");
            for (int i = 0; i < 3; i++) {
                String layer = "nezha.encoder.layer." + (2 - i) + ".";
                for (String name : handedOver.get(i)) {
                    boolean head = i == 0 && name.startsWith("cls.");
                    assertTrue(name.startsWith(layer) || head, name + " in hand-over " + i);
                }
            }
            assertOnlyEmbeddingsLeftForTheEnd(model, handedOver, "nezha.embeddings.");
        }
    }

    /**
     * ALBERT runs groups 0, 0, 1, 1 (inner 2): a shared block's gradient is final only after the lowest layer
     * running it, so group 1 goes after the third layer's backward, group 0 after the first's, and the
     * heads alone after the top layer's; the projection stays with the embeddings for the end.
     */
    @ParameterizedTest
    @ValueSource(strings = {"fused", "eager"})
    void sharedBlocksAreHandedOverAfterTheirLowestLayer(String attention) {
        try (PointerScope scope = new PointerScope()) {
            NezhaForMaskedLM model = new NezhaForMaskedLM(TinyModels.albert(4, 2, 2, 16), AttentionBackends.byName(attention));
            List<List<String>> handedOver = handOversOfOneBackward(model);

            String groups = "albert.encoder.albert_layer_groups.";
            List<String> expected = List.of("heads", groups + "1.albert_layers.1.", groups + "1.albert_layers.0.",
                    groups + "0.albert_layers.1.", groups + "0.albert_layers.0.");
            assertEquals(expected.size(), handedOver.size(), "hand-overs " + handedOver);
            for (int i = 0; i < expected.size(); i++) {
                for (String name : handedOver.get(i)) {
                    boolean ok = i == 0 ? !name.startsWith("albert.encoder.") && !name.startsWith("albert.embeddings.")
                            : name.startsWith(expected.get(i));
                    assertTrue(ok, name + " in hand-over " + i);
                }
                // the MLM head: transform, LayerNorm and bias; a block: 8 modules
                assertEquals(i == 0 ? 5 : 16, handedOver.get(i).size(), "hand-over " + i + ": " + handedOver.get(i));
            }
            assertOnlyEmbeddingsLeftForTheEnd(model, handedOver, "albert.embeddings.", "albert.encoder.embedding_hidden_mapping_in.");
        }
    }

    /** Runs one forward and backward of a masked-LM loss; returns the names of each hand-over, checking each gradient final then. */
    private static List<List<String>> handOversOfOneBackward(NezhaForMaskedLM model) {
        NezhaConfig config = model.config();
        Map<String, Tensor> params = model.parameters().asMap();
        Map<Tensor, String> names = new IdentityHashMap<>();
        params.forEach((n, p) -> names.put(p, n));
        List<List<String>> handedOver = new ArrayList<>();
        Map<String, double[]> gradientWhenHanded = new java.util.HashMap<>();
        model.encoder().onGradientsReady(ready -> {
            List<String> group = new ArrayList<>();
            for (Tensor p : ready) {
                String name = names.get(p);
                group.add(name);
                assertTrue(p.grad().defined(), name + " has its gradient when handed over");
                gradientWhenHanded.put(name, Tensors.toDoubles(p.grad()));
            }
            handedOver.add(group);
        });

        int b = 2, l = 19, n = 6;
        Random random = new Random(3);
        long[] ids = new long[b * l], ones = new long[b * l], positions = new long[n], labels = new long[n];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1 + random.nextInt(config.vocabSize() - 1);
            ones[i] = 1;
        }
        for (int i = 0; i < n; i++) {
            positions[i] = random.nextInt(b * l);
            labels[i] = random.nextInt(config.vocabSize());
        }
        Tensor loss = model.loss(Tensors.longs(ids, CPU, b, l), Tensors.longs(new long[b * l], CPU, b, l),
                Tensors.longs(ones, CPU, b, l), Tensors.longs(positions, CPU, n), Tensors.longs(labels, CPU, n), true);
        model.backward(loss);

        for (List<String> group : handedOver) {
            for (String name : group) {
                assertTrue(java.util.Arrays.equals(gradientWhenHanded.get(name), Tensors.toDoubles(params.get(name).grad())),
                        name + ": the gradient changed after it was handed over");
            }
        }
        return handedOver;
    }

    /** Each parameter is handed over once, except those under {@code endPrefixes}, which never are. */
    private static void assertOnlyEmbeddingsLeftForTheEnd(NezhaModel model, List<List<String>> handedOver, String... endPrefixes) {
        List<String> all = handedOver.stream().flatMap(List::stream).toList();
        assertEquals(all.size(), new java.util.HashSet<>(all).size(), "each parameter once");
        for (String name : model.parameters().asMap().keySet()) {
            boolean end = java.util.Arrays.stream(endPrefixes).anyMatch(name::startsWith);
            assertEquals(!end, all.contains(name), name + (end ? " is left for the end" : " is handed over"));
        }
    }
}
