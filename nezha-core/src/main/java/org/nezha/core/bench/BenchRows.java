package org.nezha.core.bench;

/** What the benchmarks' result rows share: JSON numbers for failed cases, and a failure's one-line reason. */
final class BenchRows {
    private BenchRows() {}

    /** {@code x}, or null (JSON null) when a failed case left it NaN. */
    static Double finite(double x) {
        return Double.isFinite(x) ? x : null;
    }

    /** The first line of a failure's message (native errors append C++ backtraces). */
    static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
