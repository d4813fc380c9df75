package org.nezha.core.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Accuracy, macro and per-class precision/recall/F1 and the confusion matrix, with scikit-learn's
 * semantics: a score whose denominator is 0 is 0 (zero_division=0), and the macro averages run
 * over the classes present in gold ∪ predicted (sklearn's default labels), not over all
 * numLabels. Per-class scores list every class, absent ones with support 0.
 *
 * @param positiveClass     the scores of class 1 when numLabels is 2 (sklearn's average='binary'), else null
 * @param confusionMatrix   counts by [gold][predicted], as sklearn's confusion_matrix
 */
public record ClassificationMetrics(int examples, double accuracy, double macroPrecision, double macroRecall,
        double macroF1, List<ClassScores> perClass, ClassScores positiveClass, int[][] confusionMatrix) {

    public record ClassScores(int label, double precision, double recall, double f1, int support) {}

    public static ClassificationMetrics compute(int[] gold, int[] predicted, int numLabels) {
        if (gold.length != predicted.length) {
            throw new IllegalArgumentException(gold.length + " gold labels but " + predicted.length + " predictions");
        }
        if (gold.length == 0) throw new IllegalArgumentException("no examples to score");
        int[][] confusion = new int[numLabels][numLabels];
        for (int i = 0; i < gold.length; i++) {
            if (gold[i] < 0 || gold[i] >= numLabels || predicted[i] < 0 || predicted[i] >= numLabels) {
                throw new IllegalArgumentException("label out of range [0, " + numLabels + ") at " + i);
            }
            confusion[gold[i]][predicted[i]]++;
        }

        List<ClassScores> perClass = new ArrayList<>(numLabels);
        List<ClassScores> present = new ArrayList<>();
        int correct = 0;
        for (int c = 0; c < numLabels; c++) {
            int truePositives = confusion[c][c];
            int goldCount = Arrays.stream(confusion[c]).sum();
            int column = c;
            int predictedCount = IntStream.range(0, numLabels).map(g -> confusion[g][column]).sum();
            ClassScores scores = new ClassScores(c, ratio(truePositives, predictedCount),
                    ratio(truePositives, goldCount), ratio(2 * truePositives, goldCount + predictedCount), goldCount);
            perClass.add(scores);
            if (goldCount + predictedCount > 0) present.add(scores);
            correct += truePositives;
        }
        return new ClassificationMetrics(gold.length, (double) correct / gold.length,
                present.stream().mapToDouble(ClassScores::precision).average().orElseThrow(),
                present.stream().mapToDouble(ClassScores::recall).average().orElseThrow(),
                present.stream().mapToDouble(ClassScores::f1).average().orElseThrow(),
                List.copyOf(perClass), numLabels == 2 ? perClass.get(1) : null, confusion);
    }

    private static double ratio(int numerator, int denominator) {
        return denominator == 0 ? 0 : (double) numerator / denominator;
    }

    /** For JSON output, with classes named by their index. */
    public Map<String, Object> toMap() {
        return toMap(IntStream.range(0, perClass.size()).mapToObj(String::valueOf).toList());
    }

    /** For JSON output, with classes named by {@code labelNames} (index order). */
    public Map<String, Object> toMap(List<String> labelNames) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("examples", examples);
        map.put("accuracy", accuracy);
        map.put("macro_precision", macroPrecision);
        map.put("macro_recall", macroRecall);
        map.put("macro_f1", macroF1);
        if (positiveClass != null) {
            map.put("positive_precision", positiveClass.precision());
            map.put("positive_recall", positiveClass.recall());
            map.put("positive_f1", positiveClass.f1());
        }
        List<Map<String, Object>> classes = new ArrayList<>();
        for (ClassScores scores : perClass) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("label", labelNames.get(scores.label()));
            entry.put("precision", scores.precision());
            entry.put("recall", scores.recall());
            entry.put("f1", scores.f1());
            entry.put("support", scores.support());
            classes.add(entry);
        }
        map.put("per_class", classes);
        map.put("confusion_matrix", Arrays.stream(confusionMatrix).map(row -> Arrays.stream(row).boxed().toList()).toList());
        return map;
    }
}
