package org.nezha.core.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.tensor.Tensors;
import org.nezha.core.train.Optimizer;
import org.nezha.core.train.Optimizers;

/**
 * ALBERT on the engine, in float64 with eager attention: layers sharing blocks compute what a BERT
 * whose layers hold copies of those blocks computes (with embeddings as wide as the hidden size and
 * the projection set to the identity), a shared block's gradient is the sum of the copies' gradients,
 * and with narrower embeddings the model matches a direct transcription of HF's AlbertModel.
 */
class AlbertModelTest {
    private static final String PROJECTION = "albert.encoder.embedding_hidden_mapping_in";

    /** The group each layer runs is given by hand, as HF's int(i / (layers / groups)) picks it. */
    @ParameterizedTest(name = "{0} layers, {1} groups of {2}: groups {3}")
    @CsvSource({"4, 2, 1, 0 0 1 1", "4, 2, 2, 0 0 1 1", "3, 2, 1, 0 0 1"})
    void sharedLayersComputeWhatABertWithCopiesComputes(int layers, int groups, int inner, String groupOfLayer) {
        try (PointerScope scope = new PointerScope()) {
            NezhaConfig config = TinyModels.albert(layers, groups, inner, 32);
            torch.manual_seed(1);
            NezhaForSequenceClassification albert = new NezhaForSequenceClassification(config, new EagerAttention());
            NezhaForSequenceClassification bert = new NezhaForSequenceClassification(TinyModels.bert(layers * inner), new EagerAttention());
            copyWithIdentityProjection(albert, bert, groups(groupOfLayer), inner);
            Tensor[] in = TinyModels.batch(7);
            assertClose(bert.encoder().forward(in[0], in[1], in[2], false), albert.encoder().forward(in[0], in[1], in[2], false),
                    1e-12, "hidden states");
            assertClose(bert.logits(in[0], in[1], in[2], false), albert.logits(in[0], in[1], in[2], false), 1e-12, "logits");
        }
    }

    /** MLM with the sentence-order head, and the classifier: a training step's gradients, and the step itself. */
    @ParameterizedTest(name = "{0} layers, {1} groups of {2}")
    @CsvSource({"4, 2, 1, 0 0 1 1", "4, 2, 2, 0 0 1 1"})
    void aSharedBlocksGradientIsTheSumOverTheLayersThatRunIt(int layers, int groups, int inner, String groupOfLayer) {
        try (PointerScope scope = new PointerScope()) {
            NezhaConfig config = TinyModels.albert(layers, groups, inner, 32);
            Tensor[] in = TinyModels.batch(11);
            Tensor positions = Tensors.longs(new long[] {0, 3, 8, 9, 12}, TinyModels.CPU, 5);
            Tensor labels = Tensors.longs(new long[] {5, 17, 1, 96, 40}, TinyModels.CPU, 5);
            Tensor sentenceOrder = Tensors.longs(new long[] {1, 0}, TinyModels.CPU, 2);

            torch.manual_seed(2);
            NezhaForMaskedLM albert = new NezhaForMaskedLM(config, new EagerAttention(), true);
            NezhaForMaskedLM bert = new NezhaForMaskedLM(TinyModels.bert(layers * inner), new EagerAttention(), true);
            Map<String, String> copies = copyWithIdentityProjection(albert, bert, groups(groupOfLayer), inner);
            for (NezhaForMaskedLM m : List.of(albert, bert)) {
                Tensor loss = m.lossWithNextSentence(in[0], in[1], in[2], positions, labels, 0.2, sentenceOrder, 0.5, true);
                assertTrue(Double.isFinite(loss.item_double()), "loss " + loss.item_double());
                m.backward(loss);
            }
            assertGradientsAreSumsOverCopies(albert, bert, copies);

            torch.manual_seed(3);
            NezhaForSequenceClassification classifier = new NezhaForSequenceClassification(config, new EagerAttention());
            NezhaForSequenceClassification copy = new NezhaForSequenceClassification(TinyModels.bert(layers * inner), new EagerAttention());
            copies = copyWithIdentityProjection(classifier, copy, groups(groupOfLayer), inner);
            Tensor classes = Tensors.longs(new long[] {2, 0}, TinyModels.CPU, 2);
            for (NezhaForSequenceClassification m : List.of(classifier, copy)) {
                m.backward(m.loss(m.logits(in[0], in[1], in[2], true), classes, in[2], 0.5));
            }
            assertGradientsAreSumsOverCopies(classifier, copy, copies);

            // the step moves each shared weight once, and the model still computes finite losses
            Map<String, Tensor> params = classifier.parameters().asMap();
            String shared = "albert.encoder.albert_layer_groups.0.albert_layers.0.ffn.weight";
            double[] before = Tensors.toDoubles(params.get(shared));
            Optimizer adam = Optimizers.create("adamw", params, 0.01, 1e-6);
            adam.step(1e-3);
            double[] after = Tensors.toDoubles(params.get(shared));
            assertFalse(Arrays.equals(before, after), "the shared weight moved");
            for (int i = 0; i < before.length; i++) assertTrue(Math.abs(after[i] - before[i]) < 1.5e-3, "one step of at most lr");
            double loss = classifier.loss(classifier.logits(in[0], in[1], in[2], true), classes, in[2], 0.5).item_double();
            assertTrue(Double.isFinite(loss), "loss after the step " + loss);
            adam.release();
        }
    }

    @Test
    void factorisedEmbeddingsMatchADirectComputationOfHfAlbert() {
        try (PointerScope scope = new PointerScope()) {
            NezhaConfig config = TinyModels.albert(3, 2, 2, 16);
            torch.manual_seed(4);
            NezhaForMaskedLM model = new NezhaForMaskedLM(config, new EagerAttention());
            TinyModels.toDouble(model);
            perturb(model);
            Map<String, Tensor> w = model.parameters().asMap();
            Tensor[] in = TinyModels.batch(5);
            Tensor hidden = model.encoder().forward(in[0], in[1], in[2], false);
            Tensor want = referenceAlbert(w, config, in, new int[] {0, 0, 1});
            assertClose(want, hidden, 1e-12, "hidden states");

            Tensor positions = Tensors.longs(new long[] {0, 4, 9, 11}, TinyModels.CPU, 4);
            Tensor picked = torch.index_select(want.reshape(-1, config.hiddenSize()), 0, positions);
            Tensor transformed = norm(torch.gelu(dense(picked, w, "predictions.dense"), "tanh"), w, "predictions.LayerNorm", config);
            Tensor logits = torch.linear(transformed, w.get("albert.embeddings.word_embeddings.weight"),
                    new TensorOptional(w.get("predictions.bias")));
            assertClose(logits, model.logitsAt(in[0], in[1], in[2], positions, false), 1e-12, "MLM logits");
        }
    }

    /**
     * HF's AlbertModel written out with plain tensor ops: embeddings summed and normalised at their own
     * width, projected to the hidden size, then for each layer its group's blocks in order.
     */
    private static Tensor referenceAlbert(Map<String, Tensor> w, NezhaConfig c, Tensor[] in, int[] groupOfLayer) {
        Tensor ids = in[0], types = in[1];
        long b = ids.size(0), l = ids.size(1), heads = c.numAttentionHeads(), d = c.headSize();
        String e = "albert.embeddings.";
        Tensor positions = torch.arange(Tensors.scalar(l), Tensors.options(ScalarType.Long, TinyModels.CPU));
        Tensor x = torch.embedding(w.get(e + "word_embeddings.weight"), ids)
                .add(torch.embedding(w.get(e + "position_embeddings.weight"), positions))
                .add(torch.embedding(w.get(e + "token_type_embeddings.weight"), types));
        x = dense(norm(x, w, e + "LayerNorm", c), w, PROJECTION);
        Tensor maskBias = in[2].to(ScalarType.Double).neg().add(Tensors.scalar(1)).mul(Tensors.scalar(-1e30)).view(b, 1, 1, l);
        for (int group : groupOfLayer) {
            for (int j = 0; j < c.innerGroupNum(); j++) {
                String p = "albert.encoder.albert_layer_groups." + group + ".albert_layers." + j + ".";
                Tensor q = heads(dense(x, w, p + "attention.query"), heads, d), k = heads(dense(x, w, p + "attention.key"), heads, d);
                Tensor v = heads(dense(x, w, p + "attention.value"), heads, d);
                Tensor scores = torch.matmul(q, k.transpose(-1, -2)).div(Tensors.scalar(Math.sqrt(d))).add(maskBias);
                Tensor context = torch.matmul(torch.softmax(scores, -1), v).permute(0, 2, 1, 3).reshape(b, l, heads * d);
                Tensor attended = norm(x.add(dense(context, w, p + "attention.dense")), w, p + "attention.LayerNorm", c);
                Tensor ffn = dense(torch.gelu(dense(attended, w, p + "ffn"), "tanh"), w, p + "ffn_output");
                x = norm(ffn.add(attended), w, p + "full_layer_layer_norm", c);
            }
        }
        return x;
    }

    private static Tensor heads(Tensor x, long heads, long d) {
        return x.view(x.size(0), x.size(1), heads, d).permute(0, 2, 1, 3);
    }

    private static Tensor dense(Tensor x, Map<String, Tensor> w, String module) {
        return torch.linear(x, w.get(module + ".weight"), new TensorOptional(w.get(module + ".bias")));
    }

    private static Tensor norm(Tensor x, Map<String, Tensor> w, String module, NezhaConfig c) {
        return torch.layer_norm(x, new long[] {x.size(-1)}, new TensorOptional(w.get(module + ".weight")),
                new TensorOptional(w.get(module + ".bias")), c.layerNormEps(), false);
    }

    private static int[] groups(String groupOfLayer) {
        return Arrays.stream(groupOfLayer.split(" ")).mapToInt(Integer::parseInt).toArray();
    }

    /**
     * Makes both models float64, gives the ALBERT random weights everywhere (not HF's ones and zeros),
     * its projection the identity, and copies its weights into the BERT: layer {@code i·inner + j} gets
     * block j of layer i's group. Returns BERT name → ALBERT name.
     */
    private static Map<String, String> copyWithIdentityProjection(NezhaModel albert, NezhaModel bert, int[] groupOfLayer, int inner) {
        TinyModels.toDouble(albert);
        TinyModels.toDouble(bert);
        perturb(albert);
        Map<String, Tensor> a = albert.parameters().asMap(), b = bert.parameters().asMap();
        try (NoGradGuard guard = new NoGradGuard()) {
            a.get(PROJECTION + ".weight").copy_(torch.eye(albert.config().hiddenSize()));
            a.get(PROJECTION + ".bias").zero_();
        }
        Map<String, String> modules = new LinkedHashMap<>(Map.of("bert.pooler.dense", "albert.pooler",
                "cls.predictions.transform.dense", "predictions.dense", "cls.predictions.transform.LayerNorm", "predictions.LayerNorm",
                "cls.seq_relationship", "sop_classifier.classifier", "classifier", "classifier"));
        for (String embedding : List.of("word_embeddings", "position_embeddings", "token_type_embeddings", "LayerNorm")) {
            modules.put("bert.embeddings." + embedding, "albert.embeddings." + embedding);
        }
        for (int i = 0; i < groupOfLayer.length; i++) {
            for (int j = 0; j < inner; j++) {
                List<String> bertBlock = BlockNames.bertLayer("bert.encoder.layer." + (i * inner + j) + ".").modules();
                List<String> albertBlock = BlockNames.albertLayer(
                        "albert.encoder.albert_layer_groups." + groupOfLayer[i] + ".albert_layers." + j + ".").modules();
                for (int m = 0; m < bertBlock.size(); m++) modules.put(bertBlock.get(m), albertBlock.get(m));
            }
        }
        Map<String, String> names = new LinkedHashMap<>();
        modules.forEach((bertModule, albertModule) -> {
            for (String leaf : List.of(".weight", ".bias")) names.put(bertModule + leaf, albertModule + leaf);
        });
        names.put("cls.predictions.bias", "predictions.bias");
        names.keySet().retainAll(b.keySet());
        assertTrue(names.keySet().equals(b.keySet()), "every BERT weight has its ALBERT original");
        try (NoGradGuard guard = new NoGradGuard()) {
            names.forEach((bertName, albertName) -> b.get(bertName).copy_(a.get(albertName)));
        }
        return names;
    }

    /** Adds N(0, 0.1²) noise to every parameter, so LayerNorm and bias parameters matter too. */
    private static void perturb(NezhaModel model) {
        try (NoGradGuard guard = new NoGradGuard()) {
            for (Tensor p : model.parameters().asMap().values()) {
                p.add_(torch.randn(p.sizes().vec().get()).to(ScalarType.Double).mul(Tensors.scalar(0.1)));
            }
        }
    }

    /** Each ALBERT gradient equals the sum of its copies' gradients in the BERT (the projection has no copy). */
    private static void assertGradientsAreSumsOverCopies(NezhaModel albert, NezhaModel bert, Map<String, String> copies) {
        Map<String, Tensor> sums = new HashMap<>();
        Map<String, Tensor> b = bert.parameters().asMap();
        copies.forEach((bertName, albertName) -> sums.merge(albertName, b.get(bertName).grad(), Tensor::add));
        for (Map.Entry<String, Tensor> e : albert.parameters().asMap().entrySet()) {
            Tensor grad = e.getValue().grad();
            assertTrue(grad.defined(), e.getKey() + " has a gradient");
            if (e.getKey().startsWith(PROJECTION)) continue;
            // the losses are computed in float32 from float64 logits: agreement to about float32's precision
            NumericAsserts.assertClose(Tensors.toDoubles(sums.get(e.getKey())), Tensors.toDoubles(grad), 1e-6, 1e-6, e.getKey());
        }
    }

    private static void assertClose(Tensor want, Tensor got, double tolerance, String what) {
        assertTrue(Arrays.equals(want.sizes().vec().get(), got.sizes().vec().get()), what + ": shape");
        NumericAsserts.assertClose(Tensors.toDoubles(want), Tensors.toDoubles(got), tolerance, what);
    }
}
