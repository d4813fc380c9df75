package org.nezha.core.task.classification;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.nezha.core.data.TaskExample;
import org.nezha.core.model.TaskModel;
import org.nezha.core.task.Ensembling;
import org.nezha.core.task.Ensembling.Method;
import org.nezha.core.task.Feature;
import org.nezha.core.task.FinetuneTask;
import org.nezha.core.task.TaskEnsemble;
import org.nezha.core.task.classification.ClassificationTask.Prediction;

/**
 * Combines classifiers' predictions of the same examples: {@code mean} and {@code weighted} average the
 * class probabilities (weights normalised to sum 1) and decide as the task does (its threshold, if any,
 * else the most probable label); {@code vote} takes each member's own label, the most votes winning and a
 * tie going to the tied label of highest mean probability, and reports the vote shares as probabilities.
 * As an ensemble of fine-tuned models, the combined labels use the members' threshold when they all
 * store the same one (folds of one {@code cv --threshold-search}), else the most probable label.
 */
public final class ProbabilityEnsemble implements TaskEnsemble<TaskExample, Void, Prediction, ProbabilityEnsemble.Member> {
    /** A member's predictions and the decision threshold its config stores (null: none). */
    public record Member(List<Prediction> predictions, Double threshold) {}

    private final Method method;
    private final double[] weights;
    private final ClassificationTask task;

    /** For fine-tuned models of {@code task} (whose stored thresholds the members bring). */
    ProbabilityEnsemble(Ensembling ensembling, ClassificationTask task) {
        this.method = ensembling.method();
        this.weights = ensembling.weights();
        this.task = task;
    }

    @Override
    public Member member(FinetuneTask<TaskExample, Void, Prediction> task, TaskModel model, List<TaskExample> examples,
            List<Feature<Void>> features, List<float[]> logits, List<String> labels) {
        return new Member(task.decode(model, examples, features, logits, labels), ((ClassificationTask) task).threshold());
    }

    @Override
    public List<Prediction> combine(List<TaskExample> examples, List<Member> members, List<String> labels) {
        Double first = members.getFirst().threshold();
        boolean shared = first != null && members.stream().allMatch(m -> Objects.equals(m.threshold(), first));
        return combine(members.stream().map(Member::predictions).toList(), shared ? task.withThreshold(first) : task);
    }

    /** {@code members.get(m).get(i)}: member m's prediction of example i; {@code task} decides labels from mean probabilities. */
    List<Prediction> combine(List<List<Prediction>> members, ClassificationTask task) {
        int examples = members.getFirst().size();
        List<Prediction> out = new ArrayList<>(examples);
        for (int i = 0; i < examples; i++) {
            float[] mean = weightedMean(members, i);
            if (method != Method.VOTE) {
                out.add(new Prediction(task.decide(mean), mean));
                continue;
            }
            int[] votes = new int[mean.length];
            for (List<Prediction> member : members) votes[member.get(i).label()]++;
            int winner = 0;
            for (int c = 1; c < votes.length; c++) {
                if (votes[c] > votes[winner] || (votes[c] == votes[winner] && mean[c] > mean[winner])) winner = c;
            }
            float[] shares = new float[votes.length];
            for (int c = 0; c < votes.length; c++) shares[c] = (float) votes[c] / members.size();
            out.add(new Prediction(winner, shares));
        }
        return out;
    }

    private float[] weightedMean(List<List<Prediction>> members, int example) {
        float[] first = members.getFirst().get(example).probabilities();
        double[] sum = new double[first.length];
        for (int m = 0; m < members.size(); m++) {
            float[] p = members.get(m).get(example).probabilities();
            for (int c = 0; c < sum.length; c++) sum[c] += weights[m] * p[c];
        }
        float[] mean = new float[sum.length];
        for (int c = 0; c < sum.length; c++) mean[c] = (float) sum[c];
        return mean;
    }
}
