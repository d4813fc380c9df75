package org.nezha.core.pipeline;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.nezha.core.InputException;
import org.nezha.core.io.AtomicFiles;
import org.nezha.core.io.IoErrors;

/** Appends one JSON object per line ({@code metrics.jsonl}), flushed at once so a crash loses nothing logged. */
public final class MetricsLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BufferedWriter out;
    private final Path file;

    /**
     * For a run resumed at {@code step}: rewrites {@code file} (atomically) without the records of later
     * steps, which the resumed run logs again, and returns the records kept. A missing file keeps
     * nothing; a last line cut short by a crash is dropped, any other unreadable line is an error.
     */
    public static List<JsonNode> keepUpTo(Path file, long step) {
        if (!Files.isRegularFile(file)) return List.of();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
        List<JsonNode> kept = new ArrayList<>();
        List<String> keptLines = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode record;
            try {
                record = JSON.readTree(lines.get(i));
            } catch (IOException e) {
                if (i == lines.size() - 1) break; // the line being written when the run stopped
                throw InputException.at(file, i + 1, "not a JSON metrics record");
            }
            if (record == null || !record.path("step").canConvertToLong()) {
                throw InputException.at(file, i + 1, "a metrics record without a \"step\"");
            }
            if (record.get("step").asLong() <= step) {
                kept.add(record);
                keptLines.add(lines.get(i));
            }
        }
        StringBuilder text = new StringBuilder();
        for (String line : keptLines) text.append(line).append('\n');
        AtomicFiles.writeString(file, text.toString());
        return kept;
    }

    /** Opens {@code file}; {@code append} keeps earlier lines (resuming), otherwise the file starts empty. */
    public MetricsLog(Path file, boolean append) {
        try {
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw InputException.in(file, "cannot write: " + IoErrors.reason(e));
        }
        this.file = file;
    }

    public void write(Map<String, ?> record) {
        try {
            out.write(JSON.writeValueAsString(record));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw InputException.in(file, "cannot write: " + IoErrors.reason(e));
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw InputException.in(file, "cannot write: " + IoErrors.reason(e));
        }
    }
}
