package org.nezha.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.retrieval.ContrastiveLoss;
import org.nezha.core.tensor.Tensors;

/**
 * The embedding model against its definition: packed texts give the vectors each text gets alone, pooling is
 * what its name says, and the loss is SimCSE's or CoSENT's over the global batch with the documented scaling.
 */
class NezhaForSentenceEmbeddingTest {
    private static final int H = 32;
    /** Two rows of two texts: (5, 3) tokens and (4, 6) tokens, the first row padded to 10. */
    private static final int[][][] TEXTS = {{{2, 11, 12, 13, 3}, {2, 14, 3}}, {{2, 15, 16, 3}, {2, 17, 18, 19, 20, 3}}};

    private static NezhaForSentenceEmbedding model(SentencePooling pooling, String objective) {
        torch.manual_seed(3);
        NezhaConfig config = TinyModels.nezha(2).with(SentencePooling.CONFIG_FIELD, pooling.optionName())
                .with(EmbeddingObjective.CONFIG_FIELD, objective);
        NezhaForSentenceEmbedding model = new NezhaForSentenceEmbedding(config, new EagerAttention());
        TinyModels.toDouble(model);
        return model;
    }

    /** The rows packed: texts back to back, token type = the text's place, padding to the longest row. */
    private static Tensor[] packed() {
        int width = 10;
        long[] ids = new long[2 * width], types = new long[2 * width], mask = new long[2 * width];
        for (int row = 0; row < 2; row++) {
            int at = row * width;
            for (int k = 0; k < 2; k++) {
                for (int token : TEXTS[row][k]) {
                    ids[at] = token;
                    types[at] = k;
                    mask[at++] = 1;
                }
            }
        }
        return new Tensor[] {Tensors.longs(ids, TinyModels.CPU, 2, width), Tensors.longs(types, TinyModels.CPU, 2, width),
                Tensors.longs(mask, TinyModels.CPU, 2, width)};
    }

    /** One text alone in a row of its own. */
    private static double[] alone(NezhaForSentenceEmbedding model, int[] text) {
        long[] ids = Arrays.stream(text).asLongStream().toArray(), ones = new long[text.length];
        Arrays.fill(ones, 1);
        Tensor out = model.logits(Tensors.longs(ids, TinyModels.CPU, 1, text.length), Tensors.longs(new long[text.length], TinyModels.CPU, 1, text.length),
                Tensors.longs(ones, TinyModels.CPU, 1, text.length), false);
        return Tensors.toDoubles(out);
    }

    @ParameterizedTest
    @EnumSource(SentencePooling.class)
    void packedTextsGetTheVectorsEachGetsAloneAndTheyAreUnitVectors(SentencePooling pooling) {
        try (PointerScope scope = new PointerScope()) {
            NezhaForSentenceEmbedding model = model(pooling, "simcse");
            assertEquals(pooling == SentencePooling.CLS_POOLER, model.parameters().contains("nezha.pooler.dense.weight"));
            Tensor[] in = packed();
            Tensor out = model.logits(in[0], in[1], in[2], false);
            assertArrayEquals(new long[] {2, 2 * H}, out.sizes().vec().get());
            double[] got = Tensors.toDoubles(out);
            for (int row = 0; row < 2; row++) {
                for (int k = 0; k < 2; k++) {
                    double[] want = alone(model, TEXTS[row][k]);
                    double[] part = Arrays.copyOfRange(got, (row * 2 + k) * H, (row * 2 + k + 1) * H);
                    NumericAsserts.assertClose(want, part, 1e-12, "row " + row + " text " + k + " (" + pooling + ")");
                    assertEquals(1, Arrays.stream(part).map(v -> v * v).sum(), 1e-12, "unit length");
                }
            }
        }
    }

    @Test
    void meanPoolingAveragesTheTextsTokensOnly() {
        try (PointerScope scope = new PointerScope()) {
            NezhaForSentenceEmbedding model = model(SentencePooling.MEAN, "simcse");
            int[] text = TEXTS[1][1];
            long[] ids = Arrays.stream(text).asLongStream().toArray(), ones = new long[text.length];
            Arrays.fill(ones, 1);
            Tensor hidden = model.encoder().forward(Tensors.longs(ids, TinyModels.CPU, 1, text.length),
                    Tensors.longs(new long[text.length], TinyModels.CPU, 1, text.length), Tensors.longs(ones, TinyModels.CPU, 1, text.length), false);
            double[] h = Tensors.toDoubles(hidden);
            double[] mean = new double[H];
            for (int t = 0; t < text.length; t++) for (int d = 0; d < H; d++) mean[d] += h[t * H + d] / text.length;
            double norm = Math.sqrt(Arrays.stream(mean).map(v -> v * v).sum());
            NumericAsserts.assertClose(Arrays.stream(mean).map(v -> v / norm).toArray(), alone(model, text), 1e-12, "mean pooling");
        }
    }

    @Test
    void simcseLossIsInfoNceOverTheRowsWithTargetsAndNegatives() {
        try (PointerScope scope = new PointerScope()) {
            NezhaForSentenceEmbedding model = model(SentencePooling.CLS, "simcse");
            Tensor[] in = packed();
            Tensor out = model.logits(in[0], in[1], in[2], true);
            Tensor e = out.view(2, 2, H);
            double want = ContrastiveLoss.infoNce(e.select(1, 0), e.select(1, 1), null, 0.05).item_double();
            Tensor targets = Tensors.longs(new long[] {1, 1}, TinyModels.CPU, 2, 1);
            assertEquals(want, model.loss(out, targets, in[2], 0.5).item_double(), 1e-6);
            // a pair that is not a positive asks no question: only row 1's loss, row 0's texts still candidates
            Tensor onlySecond = Tensors.longs(new long[] {TaskModel.IGNORED, 1}, TinyModels.CPU, 2, 1);
            Tensor scores = torch.mm(e.select(1, 0), e.select(1, 1).t()).div(Tensors.scalar(0.05));
            double[] s = Tensors.toDoubles(scores);
            double row1 = Math.log(Math.exp(s[2]) + Math.exp(s[3])) - s[3];
            assertEquals(row1, model.loss(out, onlySecond, in[2], 0.5).item_double(), 1e-5);
        }
    }

    @Test
    void cosentLossComparesThePairsCosineWithTheGoldOrder() {
        try (PointerScope scope = new PointerScope()) {
            NezhaForSentenceEmbedding model = model(SentencePooling.MEAN, "cosent");
            Tensor[] in = packed();
            Tensor out = model.logits(in[0], in[1], in[2], true);
            Tensor e = out.view(2, 2, H);
            Tensor cos = e.select(1, 0).mul(e.select(1, 1)).sum(new long[] {1});
            Tensor gold = Tensors.longs(new long[] {1, 0}, TinyModels.CPU, 2, 1);
            double want = ContrastiveLoss.cosent(cos, gold.select(1, 0)).item_double();
            assertEquals(want, model.loss(out, gold, in[2], 0.5).item_double(), 1e-6);
        }
    }

    /**
     * Another process's rows (constants here) join the loss as candidates; the value is the global loss and the
     * gradient reaching this process's rows is (weight × global rows) × the global loss's, so averaging the
     * processes' gradients gives the global loss's gradient.
     */
    @Test
    void aGatheredBatchGivesTheGlobalLossWithGradientsScaledForAveraging() {
        try (PointerScope scope = new PointerScope()) {
            NezhaForSentenceEmbedding model = model(SentencePooling.CLS, "simcse");
            Tensor[] in = packed();
            Tensor mine = model.logits(in[0], in[1], in[2], true).detach().requires_grad_(true);
            torch.manual_seed(9);
            Tensor theirs = torch.normalize(torch.randn(new long[] {2, 2 * H}).to(mine.scalar_type()).view(4, H)).view(2, 2 * H);
            model.gatherRowsWith(local -> torch.cat(new TensorVector(local, local.dim() == 3 ? theirs.view(2, 2, H)
                    : torch.ones(new long[] {2}, Tensors.options(local.scalar_type(), local.device()))), 0));
            Tensor targets = Tensors.longs(new long[] {1, 1}, TinyModels.CPU, 2, 1);
            Tensor loss = model.loss(mine, targets, in[2], 2.0 / 4); // 2 processes, 4 rows in the global batch
            loss.backward();

            Tensor reference = mine.detach().clone().requires_grad_(true);
            Tensor all = torch.cat(new TensorVector(reference, theirs), 0).view(4, 2, H);
            Tensor global = ContrastiveLoss.infoNce(all.select(1, 0), all.select(1, 1), null, 0.05);
            global.backward();
            assertEquals(global.item_double(), loss.item_double(), 1e-6);
            double[] want = Arrays.stream(Tensors.toDoubles(reference.grad())).map(g -> 2 * g).toArray();
            NumericAsserts.assertClose(want, Tensors.toDoubles(mine.grad()), 1e-5, "gradient of this process's rows");
            assertFalse(Arrays.stream(want).allMatch(g -> g == 0));
        }
    }
}
