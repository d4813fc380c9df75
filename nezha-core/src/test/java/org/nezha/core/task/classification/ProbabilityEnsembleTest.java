package org.nezha.core.task.classification;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.nezha.core.InputException;
import org.nezha.core.data.TaskKind;
import org.nezha.core.task.classification.ClassificationTask.Prediction;
import org.nezha.core.task.Ensembling;
import org.nezha.core.task.Ensembling.Method;

/** Mean, weighted mean and vote over members' class probabilities. */
class ProbabilityEnsembleTest {
    private static final ClassificationTask TASK = new ClassificationTask(TaskKind.SINGLE);

    @Test
    void identicalMembersGiveTheMembersPredictions() {
        List<Prediction> one = List.of(new Prediction(2, new float[] {0.1f, 0.2f, 0.7f}), new Prediction(0, new float[] {0.5f, 0.3f, 0.2f}));
        for (Method method : Method.values()) {
            double[] weights = method == Method.WEIGHTED ? new double[] {1, 3} : null;
            List<Prediction> combined = new ProbabilityEnsemble(Ensembling.of(method, weights, 2), TASK).combine(List.of(one, one), TASK);
            for (int i = 0; i < one.size(); i++) {
                assertEquals(one.get(i).label(), combined.get(i).label(), method.name());
                if (method != Method.VOTE) assertArrayEquals(one.get(i).probabilities(), combined.get(i).probabilities(), method.name());
            }
        }
    }

    @Test
    void meanAndWeightedAverageTheProbabilities() {
        List<Prediction> a = List.of(new Prediction(0, new float[] {0.8f, 0.2f}));
        List<Prediction> b = List.of(new Prediction(1, new float[] {0.3f, 0.7f}));
        Prediction mean = new ProbabilityEnsemble(Ensembling.of(Method.MEAN, null, 2), TASK).combine(List.of(a, b), TASK).getFirst();
        assertArrayEquals(new float[] {0.55f, 0.45f}, mean.probabilities(), 1e-6f);
        assertEquals(0, mean.label());
        Prediction weighted = new ProbabilityEnsemble(Ensembling.of(Method.WEIGHTED, new double[] {1, 3}, 2), TASK)
                .combine(List.of(a, b), TASK).getFirst();
        assertArrayEquals(new float[] {0.425f, 0.575f}, weighted.probabilities(), 1e-6f);
        assertEquals(1, weighted.label());
        assertEquals(1, new ProbabilityEnsemble(Ensembling.of(Method.MEAN, null, 2), TASK).combine(List.of(a, b), TASK.withThreshold(0.4))
                .getFirst().label());
    }

    @Test
    void voteTakesTheMajorityAndBreaksTiesByMeanProbability() {
        List<Prediction> a = List.of(new Prediction(0, new float[] {0.6f, 0.4f}));
        List<Prediction> b = List.of(new Prediction(1, new float[] {0.1f, 0.9f}));
        ProbabilityEnsemble vote3 = new ProbabilityEnsemble(Ensembling.of(Method.VOTE, null, 3), TASK);
        Prediction majority = vote3.combine(List.of(a, a, b), TASK).getFirst();
        assertEquals(0, majority.label()); // two votes beat the higher mean probability of label 1
        assertArrayEquals(new float[] {2 / 3f, 1 / 3f}, majority.probabilities(), 1e-6f);
        // 1:1, mean .65 for 1
        assertEquals(1, new ProbabilityEnsemble(Ensembling.of(Method.VOTE, null, 2), TASK).combine(List.of(a, b), TASK).getFirst().label());
    }

    @Test
    void badWeightsAndMethodsAreErrors() {
        assertEquals("--weights: 3 weights for 2 models",
                assertThrows(InputException.class, () -> Ensembling.of(Method.WEIGHTED, new double[] {1, 2, 3}, 2)).getMessage());
        assertEquals("--weights must be a positive number, got 0.0",
                assertThrows(InputException.class, () -> Ensembling.of(Method.WEIGHTED, new double[] {1, 0}, 2)).getMessage());
        assertEquals("--method weighted needs --weights",
                assertThrows(InputException.class, () -> Ensembling.of(Method.WEIGHTED, null, 2)).getMessage());
        assertEquals("--weights are for --method weighted",
                assertThrows(InputException.class, () -> Ensembling.of(Method.MEAN, new double[] {1, 2}, 2)).getMessage());
        assertEquals("--method max: choose one of mean, vote, weighted",
                assertThrows(InputException.class, () -> Ensembling.method("max")).getMessage());
    }
}
