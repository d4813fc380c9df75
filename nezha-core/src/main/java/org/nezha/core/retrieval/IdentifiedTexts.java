package org.nezha.core.retrieval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.nezha.core.InputException;
import org.nezha.core.data.JsonLines;
import org.nezha.core.data.Utf8LineReader;

/**
 * A queries or corpus file: JSON Lines of {@code {"id": …, "text": …}} (BEIR's corpus.jsonl and queries.jsonl
 * have these fields; other fields are ignored). Every line needs its own id — qrels and results name texts
 * by it — so a missing, empty or repeated id is an error at its line.
 */
public record IdentifiedTexts(Path file, List<String> ids, List<String> texts) {
    public int size() {
        return ids.size();
    }

    public static IdentifiedTexts read(Path file) {
        List<String> ids = new ArrayList<>(), texts = new ArrayList<>();
        Map<String, Long> seen = new HashMap<>();
        try (Utf8LineReader lines = Utf8LineReader.open(file)) {
            for (String line; (line = lines.nextLine()) != null; ) {
                if (line.isBlank()) continue;
                long number = lines.lineNumber();
                JsonNode object = JsonLines.object(line, file, number);
                String id = scalar(object, "id", file, number), text = scalar(object, "text", file, number);
                Long earlier = seen.putIfAbsent(id, number);
                if (earlier != null) throw InputException.at(file, number, "id '" + id + "' again (first at line " + earlier + ")");
                ids.add(id);
                texts.add(text);
            }
        }
        if (ids.isEmpty()) throw InputException.in(file, "contains no texts");
        return new IdentifiedTexts(file, List.copyOf(ids), List.copyOf(texts));
    }

    private static String scalar(JsonNode object, String field, Path file, long number) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            throw InputException.at(file, number, "no \"" + field + "\"" + (field.equals("id")
                    ? " (every text needs an id, for qrels and results to name it)" : ""));
        }
        if (!value.isValueNode()) throw InputException.at(file, number, "\"" + field + "\" must be a string or a number");
        String text = value.asText();
        if (text.isBlank()) throw InputException.at(file, number, "empty \"" + field + "\"");
        if (field.equals("id") && (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0)) {
            throw InputException.at(file, number, "id with a line break (ids are written one per line)");
        }
        return text;
    }
}
