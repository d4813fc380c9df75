package org.nezha.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.nezha.core.config.NezhaConfig;

/** The shapes worked out from the config are those of the parameters every model of the config creates, all together. */
class ModelShapesTest {
    private static NezhaConfig config(String family) {
        return switch (family) {
            case "nezha" -> TinyModels.nezha(2);
            case "bert" -> TinyModels.bert(3);
            default -> TinyModels.albert(4, 2, 2, 16);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"nezha", "bert", "albert"})
    void areTheUnionOfTheModelsParameters(String family) {
        NezhaConfig config = config(family);
        try (PointerScope scope = new PointerScope()) {
            Map<String, long[]> built = new LinkedHashMap<>();
            for (NezhaModel model : List.of(new NezhaForMaskedLM(config, new EagerAttention()),
                    new NezhaForMaskedLM(config, new EagerAttention(), true), new NezhaForSequenceClassification(config, new EagerAttention()),
                    new NezhaForQuestionAnswering(config, new EagerAttention()))) {
                for (Map.Entry<String, Tensor> e : model.parameters().asMap().entrySet()) built.put(e.getKey(), e.getValue().sizes().vec().get());
            }
            Map<String, long[]> shapes = ModelShapes.of(config);
            assertEquals(built.keySet(), shapes.keySet());
            built.forEach((name, shape) -> assertArrayEquals(shape, shapes.get(name), name));
            for (String name : shapes.keySet()) {
                boolean encoder = name.startsWith(family + ".");
                boolean head = name.startsWith("classifier.") || name.startsWith(family.equals("albert") ? "predictions." : "cls.")
                        || name.startsWith("sop_classifier.classifier.") || name.startsWith("qa_outputs.");
                assertTrue(encoder || head, name + " is an HF name of " + family);
            }
            assertArrayEquals(new long[] {3, 32}, shapes.get("classifier.weight"));
            assertArrayEquals(new long[] {2, 32}, shapes.get("qa_outputs.weight"), "a start and an end row, whatever num_labels says");
        }
    }
}
