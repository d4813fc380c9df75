package org.nezha.core.data;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.nezha.core.InputException;

/**
 * Sentence pairs as {@code id||sentence1||sentence2||score} per line, tab-free: the layout of CNSD's
 * Chinese STS-B. The score is kept as the label's text.
 */
final class DoublePipeTaskReader {
    static final String LAYOUT = "id||sentence1||sentence2||score";
    private static final Pattern SEPARATOR = Pattern.compile("\\|\\|");
    private static final int FIELDS = 4;

    private DoublePipeTaskReader() {}

    /** Whether {@code line} (a file's first non-blank line) has this layout. */
    static boolean matches(String line) {
        return line.indexOf('\t') < 0 && SEPARATOR.split(line, -1).length == FIELDS;
    }

    static List<TaskExample> read(Utf8LineReader lines, Path file, TaskKind kind) {
        ExampleCollector examples = new ExampleCollector(file, kind);
        for (String line; (line = lines.nextLine()) != null; ) {
            if (line.isBlank()) continue;
            long number = lines.lineNumber();
            if (kind == TaskKind.SINGLE) {
                throw InputException.at(file, number, LAYOUT + " holds sentence pairs, not the single texts this task reads");
            }
            if (line.indexOf('\t') >= 0) {
                throw InputException.at(file, number, "a tab in a file of " + LAYOUT + " lines");
            }
            String[] fields = SEPARATOR.split(line, -1);
            if (fields.length != FIELDS) {
                throw InputException.at(file, number, "expected " + LAYOUT + ", found " + fields.length + " ||-separated fields");
            }
            examples.add(number, fields[0], fields[1], fields[2], fields[3]);
        }
        return examples.examples();
    }
}
