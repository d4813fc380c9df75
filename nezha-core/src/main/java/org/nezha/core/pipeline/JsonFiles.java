package org.nezha.core.pipeline;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.nezha.core.io.AtomicFiles;

/** Result files in JSON, written whole or not at all. */
public final class JsonFiles {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonFiles() {}

    /** Pretty JSON through a temporary file and an atomic rename. */
    public static void write(Path file, Object value) {
        AtomicFiles.writeStream(file, out -> JSON.writeValue(out, value));
    }
}
