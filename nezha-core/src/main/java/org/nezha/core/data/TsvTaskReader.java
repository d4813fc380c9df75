package org.nezha.core.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.nezha.core.InputException;

/**
 * Tab-separated task files. A first line that names a known column is a header (so CLUE's
 * "label&lt;TAB&gt;text" works); otherwise the LCQMC layout: text_a, text_b[, label] for pairs,
 * text[, label] for single texts, and for sentence embeddings text, or text_a, text_b[, label] (a
 * hard negative needs a header).
 */
final class TsvTaskReader {
    private TsvTaskReader() {}

    static List<TaskExample> read(Utf8LineReader lines, Path file, TaskKind kind) {
        ExampleCollector examples = new ExampleCollector(file, kind);
        String[] header = null;
        Map<TaskField, Integer> headerColumns = null;
        boolean first = true;
        for (String line; (line = lines.nextLine()) != null; ) {
            if (line.isBlank()) continue;
            String[] cells = line.split("\t", -1);
            long number = lines.lineNumber();
            if (first && Arrays.stream(cells).anyMatch(cell -> TaskField.named(cell) != null)) {
                header = cells;
                headerColumns = TaskField.locate(List.of(cells), file, number);
                examples.requireFields(headerColumns.keySet(), number);
                first = false;
                continue;
            }
            first = false;
            Map<TaskField, Integer> columns = header != null ? headerColumns : headerlessColumns(kind, cells.length);
            if (header != null && cells.length != header.length) {
                throw InputException.at(file, number, "expected " + header.length + " columns ("
                        + String.join(", ", header) + "), found " + cells.length);
            }
            if (columns == null) {
                throw InputException.at(file, number, "expected " + headerlessLayout(kind) + ", found "
                        + cells.length + " columns");
            }
            examples.add(number, cell(cells, columns, TaskField.ID), cell(cells, columns, TaskField.TEXT_A),
                    cell(cells, columns, TaskField.TEXT_B), cell(cells, columns, TaskField.NEGATIVE), cell(cells, columns, TaskField.LABEL));
        }
        return examples.examples();
    }

    /** The LCQMC column layout for a row of {@code count} cells, or null when no layout has that many. */
    private static Map<TaskField, Integer> headerlessColumns(TaskKind kind, int count) {
        int texts = kind == TaskKind.PAIR || (kind == TaskKind.TEXTS && count > 1) ? 2 : 1;
        if (count != texts && count != texts + 1) return null;
        Map<TaskField, Integer> columns = new EnumMap<>(TaskField.class);
        columns.put(TaskField.TEXT_A, 0);
        if (texts == 2) columns.put(TaskField.TEXT_B, 1);
        if (count > texts) columns.put(TaskField.LABEL, texts);
        return columns;
    }

    private static String headerlessLayout(TaskKind kind) {
        return switch (kind) {
            case PAIR -> "text_a<TAB>text_b[<TAB>label] (no header)";
            case SINGLE -> "text[<TAB>label] (no header)";
            case TEXTS -> "text, or text_a<TAB>text_b[<TAB>label] (no header; a hard negative needs a header)";
        };
    }

    private static String cell(String[] cells, Map<TaskField, Integer> columns, TaskField field) {
        Integer column = columns.get(field);
        return column == null ? null : cells[column];
    }
}
