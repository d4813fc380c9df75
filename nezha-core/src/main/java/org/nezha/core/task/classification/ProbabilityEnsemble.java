package org.nezha.core.task.classification;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.nezha.core.InputException;
import org.nezha.core.task.classification.ClassificationTask.Prediction;

/**
 * Combines classifiers' predictions of the same examples: {@code mean} and {@code weighted} average the
 * class probabilities (weights normalised to sum 1) and decide as the task does (its threshold, if any,
 * else the most probable label); {@code vote} takes each member's own label, the most votes winning and a
 * tie going to the tied label of highest mean probability, and reports the vote shares as probabilities.
 */
public final class ProbabilityEnsemble {
    public enum Method { MEAN, VOTE, WEIGHTED }

    private final Method method;
    private final double[] weights;

    /** {@code weights}: one positive weight per member, for {@code weighted} only (null otherwise). */
    public ProbabilityEnsemble(Method method, double[] weights, int members) {
        if ((method == Method.WEIGHTED) != (weights != null)) {
            throw new InputException(method == Method.WEIGHTED ? "--method weighted needs --weights" : "--weights are for --method weighted");
        }
        if (weights != null) {
            if (weights.length != members) throw new InputException("--weights: " + weights.length + " weights for " + members + " models");
            for (double w : weights) if (!(w > 0) || Double.isInfinite(w)) throw new InputException("--weights must be positive, got " + w);
        }
        this.method = method;
        double[] raw = weights != null ? weights : filled(members, 1);
        double sum = Arrays.stream(raw).sum();
        this.weights = Arrays.stream(raw).map(w -> w / sum).toArray();
    }

    public static Method method(String name) {
        for (Method m : Method.values()) if (m.name().equalsIgnoreCase(name)) return m;
        throw new InputException("--method " + name + ": choose one of mean, vote, weighted");
    }

    /** {@code members.get(m).get(i)}: member m's prediction of example i; {@code task} decides labels from mean probabilities. */
    public List<Prediction> combine(List<List<Prediction>> members, ClassificationTask task) {
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

    private static double[] filled(int length, double value) {
        double[] out = new double[length];
        Arrays.fill(out, value);
        return out;
    }
}
