package org.nezha.core.task.classification;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

import org.nezha.core.data.TaskExample;
import org.nezha.core.io.AtomicFiles;
import org.nezha.core.io.OutputPaths;

/**
 * Writes predictions as CSV: {@code id,label,prob_<label>…}, one row per input in input order (out-of-fold
 * predictions add {@code fold,gold} after the id). The id is the input's own id column, else the example's
 * number (from 1), as the reader assigns it. Missing parent directories are created; the file is written
 * whole or not at all.
 */
public final class PredictionCsv {
    private PredictionCsv() {}

    static void write(Path out, List<TaskExample> examples, List<ClassificationTask.Prediction> predictions, List<String> labels) {
        write(out, List.of(), i -> List.of(), examples, predictions, labels);
    }

    /** Cross-validation's {@code oof.csv}: {@code id,fold,gold,label,prob_<label>…}, {@code folds[i]} the fold that held example i out. */
    public static void writeOutOfFold(Path out, List<TaskExample> examples, int[] folds, List<ClassificationTask.Prediction> predictions,
            List<String> labels) {
        write(out, List.of("fold", "gold"), i -> List.of(Integer.toString(folds[i]), examples.get(i).label()), examples, predictions, labels);
    }

    private static void write(Path out, List<String> extraColumns, IntFunction<List<String>> extraCells, List<TaskExample> examples,
            List<ClassificationTask.Prediction> predictions, List<String> labels) {
        OutputPaths.createDirectory(out.toAbsolutePath().getParent());
        AtomicFiles.writeStream(out, stream -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
            StringBuilder header = new StringBuilder("id");
            for (String column : extraColumns) header.append(',').append(column);
            header.append(",label");
            for (String label : labels) header.append(',').append(field("prob_" + label));
            w.write(header.toString());
            w.newLine();
            for (int i = 0; i < examples.size(); i++) {
                StringBuilder row = new StringBuilder();
                row.append(field(examples.get(i).id()));
                for (String cell : extraCells.apply(i)) row.append(',').append(field(cell));
                ClassificationTask.Prediction p = predictions.get(i);
                row.append(',').append(field(labels.get(p.label())));
                for (float probability : p.probabilities()) row.append(',').append(String.format(Locale.ROOT, "%.6f", probability));
                w.write(row.toString());
                w.newLine();
            }
            w.flush();
        });
    }

    /** RFC 4180 quoting where needed. */
    static String field(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) return value;
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
