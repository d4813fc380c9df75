package org.nezha.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.nezha.core.InputException;

/** What the bench commands share: list-option checks, number cells for tables, the JSON array output. */
final class BenchOutput {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchOutput() {}

    static List<Integer> positive(String option, List<Integer> values) {
        for (int v : values) if (v < 1) throw new InputException(option + " " + v + ": must be at least 1");
        return values;
    }

    /** {@code x} with {@code decimals} decimals, or "-" when it is not a number (a failed case). */
    static String num(double x, int decimals) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%." + decimals + "f", x) : "-";
    }

    static void printJson(PrintWriter out, List<Map<String, Object>> rows) throws JsonProcessingException {
        out.println(JSON.writeValueAsString(rows));
    }
}
