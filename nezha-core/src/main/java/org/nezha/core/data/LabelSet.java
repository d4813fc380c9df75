package org.nezha.core.data;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.nezha.core.InputException;

/** The labels a classifier knows, in the order of its output units. */
public final class LabelSet {
    private final List<String> labels;
    private final Map<String, Integer> indexOf = new HashMap<>();

    private LabelSet(List<String> labels) {
        this.labels = List.copyOf(labels);
        for (int i = 0; i < this.labels.size(); i++) {
            if (indexOf.put(this.labels.get(i), i) != null) {
                throw new IllegalArgumentException("label '" + this.labels.get(i) + "' appears twice");
            }
        }
    }

    /** Labels in the given order, e.g. as a saved model lists them. */
    public static LabelSet of(List<String> labels) {
        return new LabelSet(labels);
    }

    /**
     * The distinct labels of training examples in natural order: numerically when every label is a
     * number ("2" before "10"), else by string. Needs at least two labels.
     */
    public static LabelSet fromExamples(List<TaskExample> examples) {
        if (examples.isEmpty()) throw new IllegalArgumentException("no examples");
        for (TaskExample example : examples) {
            if (example.label() == null) throw InputException.at(example.file(), example.line(), "missing label");
        }
        List<String> distinct = examples.stream().map(TaskExample::label).distinct().toList();
        if (distinct.size() < 2) {
            throw InputException.in(examples.getFirst().file(), "only one label ('" + distinct.getFirst()
                    + "'); classification needs at least two");
        }
        boolean numeric = distinct.stream().allMatch(LabelSet::isNumber);
        Comparator<String> order = numeric
                ? Comparator.comparing((String label) -> new BigDecimal(label)).thenComparing(Comparator.naturalOrder())
                : Comparator.naturalOrder();
        return new LabelSet(distinct.stream().sorted(order).toList());
    }

    private static boolean isNumber(String label) {
        try {
            new BigDecimal(label);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    public List<String> labels() {
        return labels;
    }

    public int size() {
        return labels.size();
    }

    public String label(int index) {
        return labels.get(index);
    }

    /** The output unit of {@code label}; an unknown or missing label is an error at file:line. */
    public int index(String label, Path file, long line) {
        if (label == null) throw InputException.at(file, line, "missing label");
        Integer index = indexOf.get(label);
        if (index == null) {
            throw InputException.at(file, line, "unknown label '" + label + "' (model knows: "
                    + String.join(", ", labels) + ")");
        }
        return index;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LabelSet that && labels.equals(that.labels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(labels);
    }

    @Override
    public String toString() {
        return labels.toString();
    }
}
