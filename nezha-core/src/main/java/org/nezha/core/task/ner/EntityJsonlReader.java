package org.nezha.core.task.ner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.nezha.core.InputException;
import org.nezha.core.data.JsonLines;
import org.nezha.core.data.Utf8LineReader;

/**
 * JSON Lines: {@code {"id"?: …, "text": "…", "entities": [{"start": s, "end": e, "type": "…"}, …]}} with
 * offsets in code points of the text (Python's string indices), end exclusive. Each character is a word
 * of its own (character-level tagging, as the Chinese NER sets). Without labels, "entities" is ignored.
 */
final class EntityJsonlReader {
    private EntityJsonlReader() {}

    static List<NerExample> read(Path file, boolean labelled) {
        List<NerExample> examples = new ArrayList<>();
        try (Utf8LineReader lines = Utf8LineReader.open(file)) {
            for (String line; (line = lines.nextLine()) != null; ) {
                if (line.isBlank()) continue;
                long number = lines.lineNumber();
                JsonNode object = JsonLines.object(line, file, number);
                JsonNode text = object.get("text");
                if (text == null || !text.isTextual()) throw InputException.at(file, number, "needs a \"text\" string");
                List<String> words = NerReader.codePoints(text.asText());
                List<Span> entities = labelled ? entities(object.get("entities"), words.size(), file, number) : null;
                examples.add(new NerExample(id(object.get("id"), file, number), text.asText(), words, NerReader.starts(words, 0),
                        entities, file, number, false, null, 0));
            }
        }
        return examples;
    }

    private static String id(JsonNode id, Path file, long number) {
        if (id == null || id.isNull()) return null;
        if (!id.isValueNode()) throw InputException.at(file, number, "\"id\" must be a string or a number");
        return id.asText();
    }

    /** The entities sorted by start; each within the text, none overlapping another. */
    private static List<Span> entities(JsonNode array, int length, Path file, long number) {
        if (array == null || !array.isArray()) throw InputException.at(file, number, "needs an \"entities\" array (use [] for none)");
        List<Span> entities = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode e = array.get(i);
            String which = "entity " + (i + 1);
            JsonNode start = e.get("start"), end = e.get("end"), type = e.get("type");
            if (start == null || !start.canConvertToExactIntegral() || end == null || !end.canConvertToExactIntegral()) {
                throw InputException.at(file, number, which + " needs integer \"start\" and \"end\"");
            }
            if (type == null || !type.isTextual() || type.asText().isEmpty()) {
                throw InputException.at(file, number, which + " needs a non-empty \"type\" string");
            }
            long s = start.asLong(), t = end.asLong();
            if (s < 0 || t > length || s >= t) {
                throw InputException.at(file, number, which + " [" + s + ", " + t + ") does not fit a text of " + length
                        + " characters (start < end ≤ length, end exclusive)");
            }
            entities.add(new Span(type.asText(), (int) s, (int) t));
        }
        entities.sort(Comparator.comparingInt(Span::start));
        for (int i = 1; i < entities.size(); i++) {
            Span a = entities.get(i - 1), b = entities.get(i);
            if (b.start() < a.end()) {
                throw InputException.at(file, number, "entities [" + a.start() + ", " + a.end() + ") and [" + b.start() + ", "
                        + b.end() + ") overlap");
            }
        }
        return List.copyOf(entities);
    }
}
