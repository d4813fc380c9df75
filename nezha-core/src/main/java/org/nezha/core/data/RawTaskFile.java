package org.nezha.core.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import org.nezha.core.InputException;
import org.nezha.core.io.AtomicFiles;

/**
 * A task file's lines as written, for what the readers do not keep: a named column's raw values (a TSV
 * header column or a JSON field, e.g. to group examples by) and subsets of the file in its own format
 * (its header, if any, then the chosen examples' lines), as cross-validation's fold files.
 */
public final class RawTaskFile {
    private final Path file;
    private final List<String> lines;

    private RawTaskFile(Path file, List<String> lines) {
        this.file = file;
        this.lines = lines;
    }

    public static RawTaskFile read(Path file) {
        List<String> lines = new ArrayList<>();
        try (Utf8LineReader reader = Utf8LineReader.open(file)) {
            for (String line; (line = reader.nextLine()) != null; ) lines.add(line);
        }
        return new RawTaskFile(file, lines);
    }

    /**
     * The value of {@code column} on each of {@code examples}' lines (all of this file): the cell of the
     * header column of that name in a TSV file, the field of that name in JSON Lines.
     */
    public List<String> column(String column, List<TaskExample> examples, String option) {
        if (examples.isEmpty()) return List.of();
        List<String> values = new ArrayList<>(examples.size());
        if (isJsonLines()) {
            for (TaskExample e : examples) {
                JsonNode value = JsonLines.object(line(e), file, e.line()).get(column);
                if (value == null || value.isNull()) throw InputException.at(file, e.line(), option + " " + column + ": no such field");
                values.add(value.isValueNode() ? value.asText() : value.toString());
            }
            return values;
        }
        int headerLine = firstNonBlankLine();
        if (headerLine >= examples.getFirst().line()) {
            throw InputException.in(file, option + " " + column + ": the file has no header row naming its columns");
        }
        List<String> header = Arrays.asList(lines.get(headerLine - 1).split("\t", -1));
        int index = header.indexOf(column);
        if (index < 0) throw InputException.in(file, option + " " + column + ": no such column (the columns: " + String.join(", ", header) + ")");
        for (TaskExample e : examples) values.add(line(e).split("\t", -1)[index]);
        return values;
    }

    /** Writes the lines before the first example (a header) and then the lines of {@code chosen}, in their order. */
    public void writeSubset(Path target, List<TaskExample> chosen, long firstExampleLine) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < firstExampleLine - 1; i++) text.append(lines.get(i)).append('\n');
        for (TaskExample e : chosen) text.append(line(e)).append('\n');
        AtomicFiles.writeString(target, text.toString());
    }

    /** The file name's extension with its dot ({@code .tsv}), which decides how the subsets are read back. */
    public String extension() {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot);
    }

    private boolean isJsonLines() {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jsonl") || name.endsWith(".json");
    }

    private String line(TaskExample e) {
        return lines.get((int) e.line() - 1);
    }

    private int firstNonBlankLine() {
        for (int i = 0; i < lines.size(); i++) if (!lines.get(i).isBlank()) return i + 1;
        return lines.size() + 1;
    }
}
