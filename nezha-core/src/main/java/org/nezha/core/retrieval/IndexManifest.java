package org.nezha.core.retrieval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.nezha.core.InputException;
import org.nezha.core.io.IoErrors;
import org.nezha.core.pipeline.JsonFiles;

/**
 * {@code index.json}: what a vector index holds and how it was made, read before anything else so that a
 * directory of another kind or version is refused with one clear line.
 */
public record IndexManifest(
        @JsonProperty("format") String format,
        @JsonProperty("format_version") int formatVersion,
        @JsonProperty("count") int count,
        @JsonProperty("dimension") int dimension,
        @JsonProperty("similarity") String similarity,
        @JsonProperty("model") ModelIdentity model,
        @JsonProperty("hnsw") HnswSettings hnsw,
        @JsonProperty("lucene_version") String luceneVersion,
        @JsonProperty("build_seconds") double buildSeconds) {
    public static final String FORMAT = "nezha-vector-index";
    public static final int FORMAT_VERSION = 1;
    public static final String SIMILARITY = "dot product of L2-normalised vectors (cosine)";

    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The manifest of an index being built now. */
    static IndexManifest of(int count, int dimension, ModelIdentity model, HnswSettings hnsw, double buildSeconds) {
        return new IndexManifest(FORMAT, FORMAT_VERSION, count, dimension, SIMILARITY, model, hnsw,
                org.apache.lucene.util.Version.LATEST.toString(), buildSeconds);
    }

    void write(Path file) {
        JsonFiles.write(file, this);
    }

    /** Reads and checks {@code file}; a missing, corrupt or foreign one is an {@link InputException} naming it. */
    static IndexManifest read(Path file) {
        if (!Files.isRegularFile(file)) throw InputException.in(file, "missing: not a vector index directory");
        JsonNode tree;
        try {
            tree = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw InputException.in(file, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
        if (tree == null || !tree.isObject() || !FORMAT.equals(tree.path("format").asText())) {
            throw InputException.in(file, "not a vector index manifest (its format is not \"" + FORMAT + "\")");
        }
        int version = tree.path("format_version").asInt(-1);
        if (version != FORMAT_VERSION) {
            throw InputException.in(file, "vector index format version " + tree.path("format_version")
                    + " is not the one this engine reads (" + FORMAT_VERSION + "); rebuild the index");
        }
        IndexManifest manifest;
        try {
            manifest = JSON.treeToValue(tree, IndexManifest.class);
        } catch (IOException | RuntimeException e) {
            throw InputException.in(file, "corrupt manifest: " + firstLine(e.getMessage()));
        }
        if (manifest.count < 1 || manifest.dimension < 1 || manifest.model == null || manifest.hnsw == null) {
            throw InputException.in(file, "corrupt manifest: count and dimension must be >= 1, model and hnsw present");
        }
        return manifest;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
