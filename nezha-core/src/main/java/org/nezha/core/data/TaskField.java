package org.nezha.core.data;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.nezha.core.InputException;

/** The columns (TSV header) or fields (JSON) a task file may have, under the names CLUE, LCQMC and UER use. */
enum TaskField {
    TEXT_A("text_a", "sentence1", "text", "sentence"),
    TEXT_B("text_b", "sentence2"),
    NEGATIVE("negative", "hard_negative", "text_c"),
    LABEL("label"),
    ID("id");

    private final List<String> names;

    TaskField(String... names) {
        this.names = List.of(names);
    }

    /** "text_a, sentence1, text or sentence". */
    String alternatives() {
        return names.size() == 1 ? names.getFirst()
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
    }

    static TaskField named(String name) {
        String key = name.strip().toLowerCase(Locale.ROOT);
        for (TaskField field : values()) {
            if (field.names.contains(key)) return field;
        }
        return null;
    }

    /** Where each known field sits in {@code names}; unknown names are ignored, two names for one field are an error. */
    static Map<TaskField, Integer> locate(List<String> names, Path file, long line) {
        Map<TaskField, Integer> found = new EnumMap<>(TaskField.class);
        for (int i = 0; i < names.size(); i++) {
            TaskField field = named(names.get(i));
            if (field == null) continue;
            Integer earlier = found.putIfAbsent(field, i);
            if (earlier != null) {
                throw InputException.at(file, line, "both '" + names.get(earlier) + "' and '" + names.get(i)
                        + "' name the same field; keep one");
            }
        }
        return found;
    }
}
