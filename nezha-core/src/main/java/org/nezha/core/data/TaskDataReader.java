package org.nezha.core.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.nezha.core.InputException;

/**
 * Reads a classification file (train, dev, test or predict input) by its extension: .tsv and
 * .txt as TSV, .jsonl and .json as JSON Lines. Blank lines are skipped; every problem is an
 * InputException naming file and line.
 */
public final class TaskDataReader {
    private TaskDataReader() {}

    public static List<TaskExample> read(Path file, TaskKind kind) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean jsonLines = name.endsWith(".jsonl") || name.endsWith(".json");
        if (!jsonLines && !name.endsWith(".tsv") && !name.endsWith(".txt")) {
            throw InputException.in(file, "unsupported file type; only TSV (.tsv, .txt) and JSON Lines (.jsonl, .json)"
                    + " are supported");
        }
        try (Utf8LineReader lines = Utf8LineReader.open(file)) {
            return jsonLines ? JsonlTaskReader.read(lines, file, kind) : TsvTaskReader.read(lines, file, kind);
        }
    }
}
