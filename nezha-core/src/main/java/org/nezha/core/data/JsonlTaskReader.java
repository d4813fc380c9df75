package org.nezha.core.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.nezha.core.InputException;

/** JSON Lines task files (CLUE's .json files are JSON Lines too): one object per line; numbers become strings. */
final class JsonlTaskReader {
    private JsonlTaskReader() {}

    static List<TaskExample> read(Utf8LineReader lines, Path file, TaskKind kind) {
        ExampleCollector examples = new ExampleCollector(file, kind);
        for (String line; (line = lines.nextLine()) != null; ) {
            if (line.isBlank()) continue;
            long number = lines.lineNumber();
            JsonNode object = JsonLines.object(line, file, number);
            List<String> names = new ArrayList<>(); // a field set to null counts as absent
            object.properties().forEach(field -> {
                if (!field.getValue().isNull()) names.add(field.getKey());
            });
            Map<TaskField, Integer> fields = TaskField.locate(names, file, number);
            examples.requireFields(fields.keySet(), number);
            examples.add(number, scalar(object, names, fields, TaskField.ID, file, number),
                    scalar(object, names, fields, TaskField.TEXT_A, file, number),
                    scalar(object, names, fields, TaskField.TEXT_B, file, number),
                    scalar(object, names, fields, TaskField.NEGATIVE, file, number),
                    scalar(object, names, fields, TaskField.LABEL, file, number));
        }
        return examples.examples();
    }

    /** The field's value as text (null when absent); strings, numbers and booleans as written. */
    private static String scalar(JsonNode object, List<String> names, Map<TaskField, Integer> fields, TaskField field,
            Path file, long number) {
        Integer index = fields.get(field);
        if (index == null) return null;
        JsonNode value = object.get(names.get(index));
        if (!value.isValueNode()) {
            throw InputException.at(file, number, "field '" + names.get(index) + "' must be a string or a number");
        }
        return value.asText();
    }
}
