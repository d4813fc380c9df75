package org.nezha.core.task.classification;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import org.nezha.core.InputException;
import org.nezha.core.data.TaskExample;
import org.nezha.core.model.ModelDirectory;

/**
 * {@code --threshold-search}: the cut on P(positive) — the probability of label index 1 — that maximises
 * the positive class's F1 on held-out predictions, and storing it in a model's config.json.
 */
public final class DecisionThreshold {
    /** The chosen cut and the positive F1 it gives on the predictions it was searched on. */
    public record Choice(double threshold, double positiveF1) {}

    private DecisionThreshold() {}

    /** The option a task must suit: two labels. */
    public static void requireBinary(List<String> labels, String option) {
        if (labels.size() != 2) {
            throw new InputException(option + " is for two labels (a binary task); this task has " + labels.size() + ": " + labels);
        }
    }

    /** The cut for {@code predictions} of labelled {@code examples}, positive being the second label. */
    public static Choice search(List<TaskExample> examples, List<ClassificationTask.Prediction> predictions, List<String> labels) {
        boolean[] positive = new boolean[examples.size()];
        float[] probability = new float[examples.size()];
        for (int i = 0; i < positive.length; i++) {
            positive[i] = labels.get(1).equals(examples.get(i).label());
            probability[i] = predictions.get(i).probabilities()[1];
        }
        return search(positive, probability);
    }

    /**
     * Sweeps every cut between consecutive distinct probabilities (labels positive iff P ≥ cut); of equally
     * good cuts the highest wins. The cut is halfway down to the next lower probability, so it does not
     * sit on a score it was fitted to.
     *
     * @param positive whether each example's gold label is the positive one
     * @param probability each example's P(positive)
     */
    public static Choice search(boolean[] positive, float[] probability) {
        int positives = 0;
        for (boolean p : positive) if (p) positives++;
        if (positives == 0) throw new InputException("threshold search: the held-out examples have no positive (second) label to find");
        Integer[] order = IntStream.range(0, probability.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> probability[i]).reversed());
        int truePositives = 0;
        double bestF1 = -1;
        int bestEnd = 0; // examples order[0 .. bestEnd) are predicted positive
        for (int end = 1; end <= order.length; end++) {
            if (positive[order[end - 1]]) truePositives++;
            if (end < order.length && probability[order[end]] == probability[order[end - 1]]) continue; // a cut cannot split ties
            double f1 = 2.0 * truePositives / (end + positives); // 2TP / (2TP + FP + FN), with TP + FP = end, TP + FN = positives
            if (f1 > bestF1) {
                bestF1 = f1;
                bestEnd = end;
            }
        }
        double lowestPositive = probability[order[bestEnd - 1]];
        double below = bestEnd < order.length ? probability[order[bestEnd]] : 0;
        return new Choice((lowestPositive + below) / 2, bestF1);
    }

    /** Records {@code threshold} in the model directory's config.json, which predict and eval then use. */
    public static void store(Path modelDir, double threshold) {
        ModelDirectory.readConfig(modelDir).with(ClassificationTask.THRESHOLD_FIELD, threshold).write(modelDir.resolve(ModelDirectory.CONFIG));
    }
}
