package org.nezha.core.task;

import java.util.Arrays;

import org.nezha.core.InputException;
import org.nezha.core.OptionChecks;

/**
 * How {@code nezha ensemble} combines its members: the method and one weight per member, normalised to sum
 * 1 (equal weights unless the method is {@code weighted}). What each method means is the task's
 * {@link TaskEnsemble}'s to say.
 */
public record Ensembling(Method method, double[] weights) {
    public enum Method { MEAN, VOTE, WEIGHTED }

    /**
     * Checks the options: {@code raw} weights (positive, one per member) are given for {@code weighted} and
     * only for it; null otherwise.
     */
    public static Ensembling of(Method method, double[] raw, int members) {
        if ((method == Method.WEIGHTED) != (raw != null)) {
            throw new InputException(method == Method.WEIGHTED ? "--method weighted needs --weights" : "--weights are for --method weighted");
        }
        if (raw != null) {
            if (raw.length != members) throw new InputException("--weights: " + raw.length + " weights for " + members + " models");
            for (double w : raw) OptionChecks.positive("--weights", w);
        }
        double[] given = raw != null ? raw.clone() : new double[members];
        if (raw == null) Arrays.fill(given, 1);
        double sum = Arrays.stream(given).sum();
        return new Ensembling(method, Arrays.stream(given).map(w -> w / sum).toArray());
    }

    /** {@code --method NAME}. */
    public static Method method(String name) {
        for (Method m : Method.values()) if (m.name().equalsIgnoreCase(name)) return m;
        throw new InputException("--method " + name + ": choose one of mean, vote, weighted");
    }

    /** The number of members. */
    public int members() {
        return weights.length;
    }

    /**
     * Whether members of total weight {@code votes} are more than half of all (weights summing to 1): a tie,
     * within rounding of the weights' division, is not.
     */
    public static boolean majority(double votes) {
        return votes > 0.5 + 1e-9;
    }
}
