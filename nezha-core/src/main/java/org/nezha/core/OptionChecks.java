package org.nezha.core;

/**
 * Range checks for numeric settings (command-line options and their library equivalents), each
 * failing with one line that names the option, the rule and the value. NaN and infinities fail
 * every check on a real number: a NaN compares false and would otherwise slip through as "not
 * below the limit".
 */
public final class OptionChecks {
    private OptionChecks() {}

    /** Finite and above 0 (learning rates, ε). */
    public static void positive(String option, double value) {
        if (!(Double.isFinite(value) && value > 0)) throw new InputException(option + " must be a positive number, got " + value);
    }

    /** Finite and at least 0 (weight decay, clipping norms where 0 turns the feature off). */
    public static void nonNegative(String option, double value) {
        if (!(Double.isFinite(value) && value >= 0)) throw new InputException(option + " must be a number >= 0, got " + value);
    }

    /** In [0, 1) (fractions of a run). */
    public static void fractionBelowOne(String option, double value) {
        if (!(value >= 0 && value < 1)) throw new InputException(option + " must be in [0, 1), got " + value);
    }

    /** In [0, 1] (probabilities). */
    public static void probability(String option, double value) {
        if (!(value >= 0 && value <= 1)) throw new InputException(option + " must be in [0, 1], got " + value);
    }

    /** In (0, 1) (probabilities that must leave something either way). */
    public static void openFraction(String option, double value) {
        if (!(value > 0 && value < 1)) throw new InputException(option + " must be in (0, 1), got " + value);
    }

    /** A count or interval of at least {@code minimum}. */
    public static void atLeast(String option, long value, long minimum) {
        if (value < minimum) throw new InputException(option + " must be at least " + minimum + ", got " + value);
    }
}
