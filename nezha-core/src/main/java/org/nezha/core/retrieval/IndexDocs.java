package org.nezha.core.retrieval;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.nezha.core.InputException;
import org.nezha.core.data.JsonLines;
import org.nezha.core.io.IoErrors;

/**
 * {@code docs.jsonl}: the id and optional text of each indexed vector, one JSON object a line in vector
 * order, so that a search's row numbers name documents.
 *
 * @param texts null when the index has no texts; otherwise one per id, null for a document without one
 */
record IndexDocs(List<String> ids, List<String> texts) {
    /** Checks that ids are present and unique and that texts, when given, pair with them. */
    IndexDocs {
        if (texts != null && texts.size() != ids.size()) {
            throw new InputException(texts.size() + " texts for " + ids.size() + " ids: give one text per id");
        }
        Set<String> seen = new HashSet<>(ids.size() * 2);
        for (int row = 0; row < ids.size(); row++) {
            String id = ids.get(row);
            if (id == null) throw new InputException("document " + row + " has no id");
            if (!seen.add(id)) throw new InputException("duplicate document id '" + id + "' (document " + row + ")");
        }
    }

    String text(int row) {
        return texts == null ? null : texts.get(row);
    }

    void write(Path file) {
        JsonLines.write(file, ids.size(), row -> {
            Map<String, String> doc = new LinkedHashMap<>();
            doc.put("id", ids.get(row));
            if (text(row) != null) doc.put("text", text(row));
            return doc;
        });
    }

    /** Reads {@code file}, which must hold {@code count} documents. */
    static IndexDocs read(Path file, int count) {
        List<String> ids = new ArrayList<>(count), texts = new ArrayList<>(count);
        boolean anyText = false;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            long lineNumber = 0;
            for (String line; (line = in.readLine()) != null; ) {
                lineNumber++;
                JsonNode doc = JsonLines.object(line, file, lineNumber);
                if (!doc.path("id").isTextual()) throw InputException.at(file, lineNumber, "no string \"id\"");
                JsonNode text = doc.path("text");
                if (!text.isMissingNode() && !text.isTextual()) throw InputException.at(file, lineNumber, "\"text\" is not a string");
                ids.add(doc.get("id").asText());
                texts.add(text.isTextual() ? text.asText() : null);
                anyText |= text.isTextual();
            }
        } catch (NoSuchFileException e) {
            throw InputException.in(file, "missing");
        } catch (IOException e) {
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
        if (ids.size() != count) throw InputException.in(file, "holds " + ids.size() + " documents; the index has " + count);
        try {
            return new IndexDocs(ids, anyText ? texts : null);
        } catch (InputException e) {
            throw InputException.in(file, e.getMessage());
        }
    }
}
