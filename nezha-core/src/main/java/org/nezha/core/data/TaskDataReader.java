package org.nezha.core.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.nezha.core.InputException;

/**
 * Reads a classification file (train, dev, test or predict input) by its extension: .tsv and
 * .txt as TSV, .jsonl and .json as JSON Lines; a .txt file whose first non-blank line is tab-free
 * {@code id||sentence1||sentence2||score} (CNSD's Chinese STS-B) is read in that layout. Blank lines
 * are skipped; every problem is an InputException naming file and line.
 */
public final class TaskDataReader {
    private TaskDataReader() {}

    /** Whether {@link #read} reads {@code file} as JSON Lines (by its extension, .jsonl or .json) rather than TSV. */
    static boolean isJsonLines(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jsonl") || name.endsWith(".json");
    }

    public static List<TaskExample> read(Path file, TaskKind kind) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean jsonLines = isJsonLines(file);
        if (!jsonLines && !name.endsWith(".tsv") && !name.endsWith(".txt")) {
            throw InputException.in(file, "unsupported file type; only TSV (.tsv, .txt) and JSON Lines (.jsonl, .json)"
                    + " are supported");
        }
        boolean doublePipe = name.endsWith(".txt") && DoublePipeTaskReader.matches(firstNonBlankLine(file));
        try (Utf8LineReader lines = Utf8LineReader.open(file)) {
            if (jsonLines) return JsonlTaskReader.read(lines, file, kind);
            return doublePipe ? DoublePipeTaskReader.read(lines, file, kind) : TsvTaskReader.read(lines, file, kind);
        }
    }

    /** The line that decides a .txt file's layout ("" for a file of blank lines, which no layout has). */
    private static String firstNonBlankLine(Path file) {
        try (Utf8LineReader lines = Utf8LineReader.open(file)) {
            for (String line; (line = lines.nextLine()) != null; ) {
                if (!line.isBlank()) return line;
            }
            return "";
        }
    }
}
