package org.nezha.core.data;

import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.IntFunction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.nezha.core.InputException;
import org.nezha.core.io.AtomicFiles;

/**
 * JSON Lines: one line of a file as the object it must be (or an error naming the file and line), and
 * files of them written whole or not at all.
 */
public final class JsonLines {
    /** A line holding an object and more after it is an error, not the object. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonLines() {}

    /** Writes {@code count} lines, line i being {@code line.apply(i)} (a JsonNode, Map, record…) as compact JSON. */
    public static void write(Path out, int count, IntFunction<Object> line) {
        AtomicFiles.writeStream(out, stream -> {
            Writer writer = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
            for (int i = 0; i < count; i++) {
                writer.write(JSON.writeValueAsString(line.apply(i)));
                writer.write('\n');
            }
            writer.flush();
        });
    }

    public static JsonNode object(String line, Path file, long number) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw InputException.at(file, number, "bad JSON: " + e.getOriginalMessage());
        }
        if (!node.isObject()) {
            throw InputException.at(file, number, "expected one JSON object per line, found " + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return node;
    }
}
