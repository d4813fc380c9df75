package org.nezha.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import org.nezha.core.tensor.Tensors;

/** The classification losses against cross-entropy, direct float64 computations and hand-computed cases. */
class ClassificationLossTest {
    private static final float[] LOGITS = {1.5f, -0.3f, 0.2f, -1.0f, 2.0f, 0.5f, 0.0f, 0.1f, -0.7f, 3.0f, -2.0f, 0.4f};
    private static final long[] LABELS = {0, 1, 2, 2};
    private static final int ROWS = 4, CLASSES = 3;

    @Test
    void focalWithGammaZeroIsCrossEntropy() {
        try (PointerScope scope = new PointerScope()) {
            double focal = value(new ClassificationLoss("focal", 0, null, 0, null), 0.25);
            assertEquals(crossEntropy(0.25), focal, 1e-6);
        }
    }

    @Test
    void labelSmoothingZeroIsCrossEntropy() {
        try (PointerScope scope = new PointerScope()) {
            assertEquals(crossEntropy(1), value(new ClassificationLoss("label-smoothing", 2, null, 0, null), 1), 1e-6);
        }
    }

    @Test
    void labelSmoothingMatchesItsFormula() {
        double eps = 0.2, want = 0;
        for (int i = 0; i < ROWS; i++) {
            double[] logp = logSoftmax(i);
            double uniform = 0;
            for (double l : logp) uniform -= l / CLASSES;
            want += (1 - eps) * -logp[(int) LABELS[i]] + eps * uniform;
        }
        try (PointerScope scope = new PointerScope()) {
            assertEquals(want / ROWS, value(new ClassificationLoss("label-smoothing", 2, null, eps, null), 1.0 / ROWS), 1e-6);
        }
    }

    @Test
    void focalMatchesItsFormulaWithBinaryAlpha() {
        float[] logits = {2.0f, -1.0f, 0.3f, 0.9f, -0.5f, 1.5f};
        long[] labels = {0, 1, 0};
        double gamma = 2, alpha = 0.25, want = 0;
        for (int i = 0; i < 3; i++) {
            double a = logits[2 * i], b = logits[2 * i + 1];
            double p1 = 1 / (1 + Math.exp(a - b)), p = labels[i] == 1 ? p1 : 1 - p1;
            double alphaT = labels[i] == 1 ? alpha : 1 - alpha;
            want += -alphaT * Math.pow(1 - p, gamma) * Math.log(p);
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor loss = new ClassificationLoss("focal", gamma, alpha, 0, null)
                    .weightedSum(Tensors.floats(logits, 3, 2), Tensors.longs(labels, null, 3), 1);
            assertEquals(want, loss.item_double(), 1e-6);
        }
    }

    /** Gold probabilities 0.5, 0.75 and 0.25: 1 − (2p + 1)/(p + 2) = 0.2, 1/11 and 1/3. */
    @Test
    void diceOnHandComputedCases() {
        float ln3 = (float) Math.log(3);
        float[] logits = {0, 0, ln3, 0, ln3, 0};
        long[] labels = {1, 0, 1};
        try (PointerScope scope = new PointerScope()) {
            Tensor loss = new ClassificationLoss("dice", 2, null, 0, null)
                    .weightedSum(Tensors.floats(logits, 3, 2), Tensors.longs(labels, null, 3), 0.5);
            assertEquals(0.5 * (0.2 + 1.0 / 11 + 1.0 / 3), loss.item_double(), 1e-6);
        }
    }

    @Test
    void classWeightsScaleEachRowByItsLabel() {
        float[] weights = {1, 3, 0.5f};
        double want = 0;
        for (int i = 0; i < ROWS; i++) want += weights[(int) LABELS[i]] * -logSoftmax(i)[(int) LABELS[i]];
        try (PointerScope scope = new PointerScope()) {
            assertEquals(want, value(new ClassificationLoss("ce", 2, null, 0, weights), 1), 1e-5);
            assertEquals(want, value(new ClassificationLoss("focal", 0, null, 0, weights), 1), 1e-5);
        }
    }

    /** Data parallelism splits a batch's rows: the halves' weighted sums add up to the whole's. */
    @Test
    void rowsAddUpAcrossSplits() {
        float[] weights = {1, 3, 0.5f};
        for (String name : ClassificationLoss.NAMES) {
            try (PointerScope scope = new PointerScope()) {
                ClassificationLoss loss = new ClassificationLoss(name, 1.5, null, 0.1, weights);
                Tensor logits = Tensors.floats(LOGITS, ROWS, CLASSES), labels = Tensors.longs(LABELS, null, ROWS);
                double whole = loss.weightedSum(logits, labels, 0.25).item_double();
                double halves = loss.weightedSum(logits.narrow(0, 0, 2), labels.narrow(0, 0, 2), 0.25).item_double()
                        + loss.weightedSum(logits.narrow(0, 2, 2), labels.narrow(0, 2, 2), 0.25).item_double();
                assertEquals(whole, halves, 1e-6, name);
            }
        }
    }

    /**
     * Rows with an ignored gold (a tagger's padding) add nothing and get no gradient, finite even where focal's
     * (1 − p)^γ with γ < 1 has an infinite slope (p rounds to 1); weighted and smoothed losses too.
     */
    @Test
    void ignoredRowsAddNothingAndKeepGradientsFinite() {
        float[] weights = {1, 3, 0.5f};
        float[] logits = {1.5f, -0.3f, 0.2f, 60f, 0f, 0f, -1.0f, 2.0f, 0.5f};
        long[] gold = {0, TaskModel.IGNORED, 2};
        for (String name : ClassificationLoss.NAMES) {
            try (PointerScope scope = new PointerScope()) {
                ClassificationLoss loss = new ClassificationLoss(name, 0.5, null, 0.1, weights);
                Tensor all = Tensors.floats(logits, 3, CLASSES).requires_grad_(true);
                Tensor rows = loss.perRow(all, Tensors.longs(gold, null, 3));
                assertEquals(0.0, rows.select(0, 1).item_double(), 0.0, name);
                Tensor kept = loss.perRow(Tensors.floats(new float[] {1.5f, -0.3f, 0.2f, -1.0f, 2.0f, 0.5f}, 2, CLASSES),
                        Tensors.longs(new long[] {0, 2}, null, 2));
                assertEquals(kept.sum().item_double(), rows.sum().item_double(), 1e-6, name);
                rows.sum().backward();
                for (double g : Tensors.toDoubles(all.grad())) assertTrue(Double.isFinite(g), name);
                for (double g : Tensors.toDoubles(all.grad().select(0, 1))) assertEquals(0.0, g, 0.0, name);
            }
        }
    }

    private static double value(ClassificationLoss loss, double weight) {
        return loss.weightedSum(Tensors.floats(LOGITS, ROWS, CLASSES), Tensors.longs(LABELS, null, ROWS), weight).item_double();
    }

    private static double crossEntropy(double weight) {
        return CrossEntropy.weightedSum(Tensors.floats(LOGITS, ROWS, CLASSES), Tensors.longs(LABELS, null, ROWS), weight)
                .item_double();
    }

    private static double[] logSoftmax(int row) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int c = 0; c < CLASSES; c++) max = Math.max(max, LOGITS[row * CLASSES + c]);
        for (int c = 0; c < CLASSES; c++) sum += Math.exp(LOGITS[row * CLASSES + c] - max);
        double[] out = new double[CLASSES];
        for (int c = 0; c < CLASSES; c++) out[c] = LOGITS[row * CLASSES + c] - max - Math.log(sum);
        return out;
    }
}
