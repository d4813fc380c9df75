package org.nezha.core.task.ner;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.nezha.core.data.JsonLines;

/**
 * Predictions as JSON Lines, one line per input sentence in input order, the shape the JSON Lines reader
 * takes: {@code {"id"?, "text", "entities": [{"type", "start", "end", "text"}], "tags"}} with code-point
 * offsets, end exclusive, and one tag per word. Written whole or not at all.
 */
final class NerWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NerWriter() {}

    static void write(Path out, List<NerExample> examples, List<NerPrediction> predictions) {
        if (examples.size() != predictions.size()) throw new IllegalArgumentException(examples.size() + " examples, " + predictions.size() + " predictions");
        JsonLines.write(out, examples.size(), i -> line(examples.get(i), predictions.get(i)));
    }

    private static ObjectNode line(NerExample example, NerPrediction prediction) {
        ObjectNode line = JSON.createObjectNode();
        if (example.id() != null) line.put("id", example.id());
        line.put("text", example.text());
        ArrayNode entities = line.putArray("entities");
        for (NerEntity e : prediction.entities()) {
            entities.addObject().put("type", e.type()).put("start", e.start()).put("end", e.end()).put("text", e.text());
        }
        ArrayNode tags = line.putArray("tags");
        prediction.tags().forEach(tags::add);
        return line;
    }
}
