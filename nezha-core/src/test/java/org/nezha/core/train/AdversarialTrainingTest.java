package org.nezha.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.model.AttentionBackends;
import org.nezha.core.model.NezhaForSequenceClassification;
import org.nezha.core.tensor.Tensors;

/**
 * FGM moves the word embeddings by exactly ε·g/‖g‖ of the micro-batch's own gradient, PGD stays within the
 * ε-ball and keeps only its last step's gradients, and both leave the embeddings bit-identical.
 */
class AdversarialTrainingTest {
    private static final Device CPU = new Device("cpu");

    @Test
    void fgmAddsEpsilonTimesTheUnitGradientAndRestoresTheEmbeddingsExactly() {
        try (PointerScope scope = new PointerScope()) {
            NezhaForSequenceClassification model = tinyClassifier();
            Tensor embeddings = model.encoder().wordEmbeddings();
            Tensor clean = copy(embeddings);
            model.backward(loss(model, 3)); // an earlier micro-batch's gradient, accumulated
            Tensor earlier = copy(embeddings.grad());
            Tensor loss = loss(model, 4);
            Recorder passes = new Recorder(model, embeddings, () -> model.backward(loss));

            new AdversarialTraining("fgm", 0.5, 1, 1.0).backward(embeddings, model.parameters().asMap().values(), passes);

            Tensor own = passes.ownGradient;
            double norm = own.norm().item_double();
            Tensor expected = clean.add(own.mul(Tensors.scalar(1.0 / norm)).mul(Tensors.scalar(0.5)));
            assertEquals(1, passes.perturbed.size());
            assertTrue(torch.equal(expected, passes.perturbed.getFirst()), "E + ε·g/‖g‖");
            assertTrue(torch.equal(own.add(earlier), passes.gradientsBefore.getFirst().get("nezha.embeddings.word_embeddings.weight")),
                    "the earlier micro-batch's gradient is back before the adversarial pass adds its own");
            assertTrue(torch.equal(clean, embeddings), "restored bit for bit");
        }
    }

    @Test
    void pgdStaysInTheBallAndKeepsOnlyTheLastStepsGradients() {
        try (PointerScope scope = new PointerScope()) {
            NezhaForSequenceClassification model = tinyClassifier();
            Tensor embeddings = model.encoder().wordEmbeddings();
            Tensor clean = copy(embeddings);
            Tensor loss = loss(model, 5);
            Recorder passes = new Recorder(model, embeddings, () -> model.backward(loss));
            double epsilon = 1.0;

            new AdversarialTraining("pgd", epsilon, 3, 0.6).backward(embeddings, model.parameters().asMap().values(), passes);

            assertEquals(3, passes.perturbed.size());
            for (Tensor e : passes.perturbed) assertTrue(e.sub(clean).norm().item_double() <= epsilon * (1 + 1e-6), "inside the ε-ball");
            assertEquals(epsilon, passes.perturbed.getLast().sub(clean).norm().item_double(), 1e-5, "1.8 > ε: projected onto the sphere");
            assertEquals(List.of(true, true, false), passes.held, "the intermediate passes hand nothing over");
            passes.afterClean.forEach((name, g) -> assertTrue(torch.equal(g, passes.gradientsBefore.getLast().get(name)),
                    name + ": the last pass starts from the clean gradients"));
            assertTrue(torch.equal(clean, embeddings), "restored bit for bit");
        }
    }

    /** Records the adversarial passes: the perturbed embeddings and the gradients each starts from. */
    private static final class Recorder implements AdversarialTraining.Passes {
        private final NezhaForSequenceClassification model;
        private final Tensor embeddings;
        private final Runnable cleanBackward;
        final List<Tensor> perturbed = new ArrayList<>();
        final List<Map<String, Tensor>> gradientsBefore = new ArrayList<>();
        final List<Boolean> held = new ArrayList<>();
        Map<String, Tensor> afterClean;
        Tensor ownGradient;
        private boolean holding;

        Recorder(NezhaForSequenceClassification model, Tensor embeddings, Runnable cleanBackward) {
            this.model = model;
            this.embeddings = embeddings;
            this.cleanBackward = cleanBackward;
        }

        @Override
        public void cleanBackward() {
            cleanBackward.run();
            ownGradient = copy(embeddings.grad());
            afterClean = gradients();
        }

        @Override
        public void perturbedPass() {
            perturbed.add(copy(embeddings));
            gradientsBefore.add(gradients());
            held.add(holding);
            model.backward(loss(model, 5));
        }

        @Override
        public void holdingHandover(Runnable backward) {
            holding = true;
            backward.run();
            holding = false;
        }

        private Map<String, Tensor> gradients() {
            Map<String, Tensor> grads = new LinkedHashMap<>();
            model.parameters().asMap().forEach((name, p) -> {
                if (p.grad().defined()) grads.put(name, copy(p.grad()));
            });
            return grads;
        }
    }

    private static NezhaForSequenceClassification tinyClassifier() {
        torch.manual_seed(7);
        NezhaConfig config = NezhaConfig.parse("""
                {"model_type": "nezha", "vocab_size": 50, "hidden_size": 16, "num_hidden_layers": 1,
                 "num_attention_heads": 2, "intermediate_size": 24, "max_position_embeddings": 16,
                 "max_relative_position": 4, "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0,
                 "num_labels": 3}
                """, "tiny.json");
        return new NezhaForSequenceClassification(config, AttentionBackends.byName("eager"));
    }

    /** The mean cross-entropy of a fixed batch of two rows. */
    private static Tensor loss(NezhaForSequenceClassification model, long seed) {
        long[] ids = new long[12];
        for (int i = 0; i < ids.length; i++) ids[i] = 1 + (seed * 7 + i * 13) % 49;
        Tensor input = Tensors.longs(ids, CPU, 2, 6);
        Tensor zeros = torch.zeros_like(input), ones = torch.ones_like(input);
        Tensor logits = model.logits(input, zeros, ones, true);
        return model.loss(logits, Tensors.longs(new long[] {seed % 3, (seed + 1) % 3}, CPU, 2, 1), ones, 0.5);
    }

    private static Tensor copy(Tensor t) {
        try (NoGradGuard guard = new NoGradGuard()) {
            return t.detach().clone();
        }
    }
}
