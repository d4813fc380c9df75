package org.nezha.core.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.nezha.core.InputException;
import org.nezha.core.io.AtomicFiles;

/**
 * A line-based task file's lines as written, for what the readers do not keep: each example is a range of
 * lines — one line (TSV, JSON Lines) or a block of lines (a CoNLL column file's sentence). Subsets are
 * written in the file's own format: the lines before the first example (a header, if any) and then the
 * chosen examples' lines, blocks followed by a blank line. A named column's raw values (a TSV header column
 * or a JSON field, to group examples by) come from one-line examples; blocks have no named fields.
 */
public final class RawTaskFile implements SplittableFile {
    private final Path file;
    private final List<String> lines;
    /** Example i is the lines [first[i], first[i] + count[i]), numbered from 1. */
    private final long[] first;
    private final int[] count;
    private final Fields fields;

    /** Where a named column's values are: a TSV header's column, a JSON object's field, nowhere (blocks). */
    private enum Fields { TSV_HEADER, JSON, NONE }

    private RawTaskFile(Path file, long[] first, int[] count, Fields fields) {
        this.file = file;
        this.lines = readLines(file);
        this.first = first;
        this.count = count;
        this.fields = fields;
    }

    /**
     * A file of one line per example: example i is on line {@code exampleLines[i]}, a JSON object when
     * {@code jsonLines}, else TSV cells (a header row before the examples names the columns).
     */
    public static RawTaskFile linePerExample(Path file, long[] exampleLines, boolean jsonLines) {
        int[] ones = new int[exampleLines.length];
        Arrays.fill(ones, 1);
        return new RawTaskFile(file, exampleLines.clone(), ones, jsonLines ? Fields.JSON : Fields.TSV_HEADER);
    }

    /** The lines of {@code examples} of a file that {@link TaskDataReader} read (JSON Lines by its extension, as there). */
    public static RawTaskFile of(Path file, List<TaskExample> examples) {
        return linePerExample(file, examples.stream().mapToLong(TaskExample::line).toArray(), TaskDataReader.isJsonLines(file));
    }

    /**
     * A file of blocks of lines separated by blank lines (CoNLL column files): example i is the
     * {@code lineCounts[i]} lines from line {@code firstLines[i]}.
     */
    public static RawTaskFile blocks(Path file, long[] firstLines, int[] lineCounts) {
        if (firstLines.length != lineCounts.length) throw new IllegalArgumentException(firstLines.length + " blocks, " + lineCounts.length + " sizes");
        return new RawTaskFile(file, firstLines.clone(), lineCounts.clone(), Fields.NONE);
    }

    private static List<String> readLines(Path file) {
        List<String> lines = new ArrayList<>();
        try (Utf8LineReader reader = Utf8LineReader.open(file)) {
            for (String line; (line = reader.nextLine()) != null; ) lines.add(line);
        }
        return lines;
    }

    /**
     * The value of {@code column} on each example's line: the cell of the header column of that name in a
     * TSV file, the field of that name in JSON Lines.
     */
    @Override
    public List<String> groups(String column, String option) {
        if (fields == Fields.NONE) throw InputException.in(file, option + " " + column + ": column files have no named fields");
        if (first.length == 0) return List.of();
        List<String> values = new ArrayList<>(first.length);
        if (fields == Fields.JSON) {
            for (long line : first) {
                JsonNode value = JsonLines.object(line(line), file, line).get(column);
                if (value == null || value.isNull()) throw InputException.at(file, line, option + " " + column + ": no such field");
                values.add(value.isValueNode() ? value.asText() : value.toString());
            }
            return values;
        }
        int headerLine = firstNonBlankLine();
        if (headerLine >= firstExampleLine()) {
            throw InputException.in(file, option + " " + column + ": the file has no header row naming its columns");
        }
        List<String> header = Arrays.asList(lines.get(headerLine - 1).split("\t", -1));
        int index = header.indexOf(column);
        if (index < 0) throw InputException.in(file, option + " " + column + ": no such column (the columns: " + String.join(", ", header) + ")");
        for (long line : first) values.add(line(line).split("\t", -1)[index]);
        return values;
    }

    /** Writes the lines before the first example (a header) and then the lines of the examples at {@code chosen}, in that order. */
    @Override
    public void writeSubset(Path target, List<Integer> chosen) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < firstExampleLine() - 1; i++) text.append(lines.get(i)).append('\n');
        for (int example : chosen) {
            for (int i = 0; i < count[example]; i++) text.append(line(first[example] + i)).append('\n');
            if (fields == Fields.NONE) text.append('\n'); // a blank line ends a block
        }
        AtomicFiles.writeString(target, text.toString());
    }

    @Override
    public String extension() {
        return SplittableFile.extensionOf(file);
    }

    /** The first example's first line; just past the file when there are none. */
    private long firstExampleLine() {
        return Arrays.stream(first).min().orElse(lines.size() + 1);
    }

    private String line(long number) {
        return lines.get((int) number - 1);
    }

    private int firstNonBlankLine() {
        for (int i = 0; i < lines.size(); i++) if (!lines.get(i).isBlank()) return i + 1;
        return lines.size() + 1;
    }
}
