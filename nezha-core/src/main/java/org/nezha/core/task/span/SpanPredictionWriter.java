package org.nezha.core.task.span;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.nezha.core.io.AtomicFiles;

/**
 * Predictions as CMRC 2018's evaluation script and HF's run_qa.py write them: one JSON object mapping
 * each question id to its answer text, in input order, UTF-8 with the characters as they are (not
 * \\u-escaped), written whole or not at all.
 */
final class SpanPredictionWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SpanPredictionWriter() {}

    static void write(Path out, List<SpanExample> examples, List<SpanPrediction> predictions) {
        if (examples.size() != predictions.size()) {
            throw new IllegalArgumentException(examples.size() + " examples but " + predictions.size() + " predictions");
        }
        ObjectNode root = JSON.createObjectNode();
        for (int i = 0; i < examples.size(); i++) root.put(examples.get(i).id(), predictions.get(i).text());
        AtomicFiles.writeStream(out, stream -> JSON.writeValue(stream, root));
    }
}
