package org.nezha.core.task.embedding;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.nezha.core.data.JsonLines;
import org.nezha.core.data.TaskExample;

/**
 * {@code predict}'s output for sentence embeddings, JSON Lines in input order: {@code {"id", "similarity"}}
 * (plus {@code "negative_similarity"} for triplets) for pairs, {@code {"id", "embedding": [...]}} for single
 * texts. Written whole or not at all. ({@code nezha embed} writes vectors in bulk, as .npy.)
 */
final class EmbeddingWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EmbeddingWriter() {}

    static void write(Path out, List<TaskExample> examples, List<Embedded> predictions) {
        JsonLines.write(out, examples.size(), i -> line(examples.get(i), predictions.get(i)));
    }

    private static ObjectNode line(TaskExample example, Embedded prediction) {
        ObjectNode line = JSON.createObjectNode().put("id", example.id());
        if (prediction.vectors().length == 1) {
            ArrayNode vector = line.putArray("embedding");
            for (float v : prediction.vectors()[0]) vector.add(v);
            return line;
        }
        line.put("similarity", prediction.similarity());
        if (prediction.vectors().length > 2) line.put("negative_similarity", prediction.negativeSimilarity());
        return line;
    }
}
