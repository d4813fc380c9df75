package org.nezha.core.model;

import java.util.Random;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.tensor.Tensors;

/** Tiny configs of each family, float64 models and a padded batch, for the model tests. */
final class TinyModels {
    /** Retained: this class may first load inside a test's PointerScope, which would free it at the scope's end. */
    static final Device CPU = new Device("cpu").retainReference();
    static final int VOCAB = 97;

    private TinyModels() {}

    /** hidden 32, 2 heads, no dropout anywhere, three labels. */
    private static NezhaConfig config(String modelType, int layers, String extra) {
        return NezhaConfig.parse("""
                {"model_type": "%s", "vocab_size": %d, "hidden_size": 32, "num_hidden_layers": %d,
                 "num_attention_heads": 2, "intermediate_size": 48, "max_position_embeddings": 40,
                 "max_relative_position": 8, "hidden_act": "gelu_new", "hidden_dropout_prob": 0.0,
                 "attention_probs_dropout_prob": 0.0, "num_labels": 3%s}
                """.formatted(modelType, VOCAB, layers, extra), modelType + ".json");
    }

    static NezhaConfig nezha(int layers) {
        return config("nezha", layers, "");
    }

    static NezhaConfig bert(int layers) {
        return config("bert", layers, "");
    }

    static NezhaConfig albert(int layers, int groups, int inner, int embeddingSize) {
        return config("albert", layers, """
                , "num_hidden_groups": %d, "inner_group_num": %d, "embedding_size": %d, "classifier_dropout_prob": 0.0"""
                .formatted(groups, inner, embeddingSize));
    }

    /** Turns every parameter into float64 in place (the Tensor objects stay, as torch's Module.double()). */
    static void toDouble(NezhaModel model) {
        try (NoGradGuard guard = new NoGradGuard()) {
            for (Tensor p : model.parameters().asMap().values()) p.__dispatch_set_data(p.to(ScalarType.Double));
        }
    }

    /** Input ids, token types and the attention mask of two rows of nine tokens, the second with four padded. */
    static Tensor[] batch(long seed) {
        int b = 2, l = 9;
        int[] valid = {9, 5};
        Random random = new Random(seed);
        long[] ids = new long[b * l], types = new long[b * l], mask = new long[b * l];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < valid[i]; j++) {
                ids[i * l + j] = 1 + random.nextInt(VOCAB - 1);
                types[i * l + j] = j > valid[i] / 2 ? 1 : 0;
                mask[i * l + j] = 1;
            }
        }
        return new Tensor[] {Tensors.longs(ids, CPU, b, l), Tensors.longs(types, CPU, b, l), Tensors.longs(mask, CPU, b, l)};
    }
}
