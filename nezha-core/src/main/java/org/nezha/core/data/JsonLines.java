package org.nezha.core.data;

import java.nio.file.Path;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.nezha.core.InputException;

/** One line of a JSON Lines file as the object it must be, or an error naming the file and line. */
public final class JsonLines {
    /** A line holding an object and more after it is an error, not the object. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonLines() {}

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
