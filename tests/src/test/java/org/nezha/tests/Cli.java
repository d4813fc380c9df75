package org.nezha.tests;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import org.nezha.cli.NezhaCli;

/**
 * Runs {@code nezha ARGS} in this JVM and captures what a user would see: standard output, standard error,
 * and the progress bars, which are drawn on the JVM's System.err itself (they would flood the build log).
 */
record Cli(int exitCode, String out, String err, String progress) {
    static Cli run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        PrintStream terminal = System.err;
        System.setErr(new PrintStream(progress, true, StandardCharsets.UTF_8));
        try {
            int code = NezhaCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
            return new Cli(code, out.toString(), err.toString(), progress.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(terminal);
        }
    }

    /** The lines of standard error that are not progress bars or information. */
    String errorLine() {
        return err.lines().filter(l -> l.startsWith("nezha: ")).findFirst().orElse("");
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out\n" + out + "\n--- err\n" + err + "\n--- progress bars\n" + progress;
    }
}
