package org.nezha.core.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.nezha.core.InputException;

/**
 * The rules every task file format shares: which fields a task needs, non-empty texts, the same texts
 * and labels on all rows or none, default ids.
 */
final class ExampleCollector {
    private final Path file;
    private final TaskKind kind;
    private final List<TaskExample> examples = new ArrayList<>();
    private boolean labelled;

    ExampleCollector(Path file, TaskKind kind) {
        this.file = file;
        this.kind = kind;
    }

    /** Checks the fields a header or JSON object provides against the task kind. */
    void requireFields(Set<TaskField> present, long line) {
        if (!present.contains(TaskField.TEXT_A)) {
            throw InputException.at(file, line, "no text (" + TaskField.TEXT_A.alternatives() + ")");
        }
        if (kind == TaskKind.PAIR && !present.contains(TaskField.TEXT_B)) {
            throw InputException.at(file, line, "no second text (" + TaskField.TEXT_B.alternatives()
                    + ") for a sentence-pair task");
        }
        if (kind == TaskKind.SINGLE && present.contains(TaskField.TEXT_B)) {
            throw InputException.at(file, line, "a second text (" + TaskField.TEXT_B.alternatives()
                    + ") for a single-text task");
        }
        if (present.contains(TaskField.NEGATIVE) && (kind != TaskKind.TEXTS || !present.contains(TaskField.TEXT_B))) {
            throw InputException.at(file, line, kind != TaskKind.TEXTS
                    ? "a hard negative (" + TaskField.NEGATIVE.alternatives() + ") is for sentence-embedding tasks only"
                    : "a hard negative (" + TaskField.NEGATIVE.alternatives() + ") needs a second text ("
                            + TaskField.TEXT_B.alternatives() + ") to be the positive");
        }
    }

    /** Adds one row without a hard negative. */
    void add(long line, String id, String textA, String textB, String label) {
        add(line, id, textA, textB, null, label);
    }

    /** Adds one row; null or blank label means none, null or blank id means the 1-based example number. */
    void add(long line, String id, String textA, String textB, String negative, String label) {
        if (textA == null || textA.isBlank()) throw InputException.at(file, line, "empty text");
        if (kind == TaskKind.PAIR && (textB == null || textB.isBlank())) {
            throw InputException.at(file, line, "empty second text");
        }
        if ((textB != null && textB.isBlank()) || (negative != null && negative.isBlank())) {
            throw InputException.at(file, line, textB != null && textB.isBlank() ? "empty second text" : "empty hard negative");
        }
        String cleanLabel = label == null || label.isBlank() ? null : label.strip();
        if (examples.isEmpty()) {
            labelled = cleanLabel != null;
        } else if (labelled != (cleanLabel != null)) {
            long first = examples.getFirst().line();
            throw InputException.at(file, line, labelled ? "no label, but line " + first + " has one"
                    : "a label, but line " + first + " has none; label all rows or none");
        }
        String exampleId = id == null || id.isBlank() ? String.valueOf(examples.size() + 1) : id.strip();
        TaskExample example = new TaskExample(exampleId, textA, textB, negative, cleanLabel, file, line);
        if (!examples.isEmpty() && example.textCount() != examples.getFirst().textCount()) {
            throw InputException.at(file, line, example.textCount() + " texts, but line " + examples.getFirst().line() + " has "
                    + examples.getFirst().textCount() + "; every row must have the same texts");
        }
        examples.add(example);
    }

    List<TaskExample> examples() {
        if (examples.isEmpty()) throw InputException.in(file, "contains no examples");
        return List.copyOf(examples);
    }
}
