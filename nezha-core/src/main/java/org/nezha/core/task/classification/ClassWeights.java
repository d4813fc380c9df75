package org.nezha.core.task.classification;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nezha.core.InputException;
import org.nezha.core.io.IoErrors;

/**
 * {@code --class-weights}: one weight per training label (a tagger's tags), either {@code balanced} (scikit-learn's rule,
 * {@code n_samples / (n_classes × count of the label)}, counting rows, or a tagger's scored tokens) or read from a file with one {@code label<TAB>weight}
 * line per training label (each exactly once, each weight a positive number; blank lines are skipped).
 */
public final class ClassWeights {
    public static final String BALANCED = "balanced";

    private ClassWeights() {}

    /**
     * The weights by label, in {@code labels} order. {@code counts[i]}: training rows (tokens) of label i.
     *
     * @param spec {@link #BALANCED} or a file's path
     */
    public static Map<String, Double> resolve(String spec, List<String> labels, long[] counts) {
        return spec.equals(BALANCED) ? balanced(labels, counts) : read(Path.of(spec), labels);
    }

    /**
     * scikit-learn's rule over the labels that have training rows. A label with none (a tag of the scheme that no
     * training token carries) takes 1: it is never a gold target, so only label smoothing's spread reaches it.
     */
    static Map<String, Double> balanced(List<String> labels, long[] counts) {
        long samples = 0, present = 0;
        for (long c : counts) {
            samples += c;
            if (c > 0) present++;
        }
        Map<String, Double> weights = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            weights.put(labels.get(i), counts[i] == 0 ? 1.0 : (double) samples / ((double) present * counts[i]));
        }
        return weights;
    }

    static Map<String, Double> read(Path file, List<String> labels) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw InputException.in(file, "--class-weights: cannot read: " + IoErrors.reason(e));
        }
        Map<String, Double> given = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            String[] fields = line.split("\t", -1);
            if (fields.length != 2) throw InputException.at(file, i + 1, "expected label<TAB>weight, got \"" + line + "\"");
            String label = fields[0].strip();
            if (!labels.contains(label)) {
                throw InputException.at(file, i + 1, "label \"" + label + "\" is not a training label (" + labels + ")");
            }
            double weight = parseWeight(fields[1].strip(), file, i + 1);
            if (given.put(label, weight) != null) throw InputException.at(file, i + 1, "label \"" + label + "\" is given twice");
        }
        Map<String, Double> weights = new LinkedHashMap<>();
        for (String label : labels) {
            Double weight = given.get(label);
            if (weight == null) throw InputException.in(file, "has no weight for training label \"" + label + "\"");
            weights.put(label, weight);
        }
        return weights;
    }

    private static double parseWeight(String text, Path file, long line) {
        double weight;
        try {
            weight = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw InputException.at(file, line, "weight \"" + text + "\" is not a number");
        }
        if (!(Double.isFinite(weight) && weight > 0)) throw InputException.at(file, line, "weight must be a positive number, got " + text);
        return weight;
    }
}
