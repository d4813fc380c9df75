package org.nezha.tests;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.nezha.cli.NezhaCli;

/** Runs {@code nezha ARGS} in this JVM and captures what a user would see. */
record Cli(int exitCode, String out, String err) {
    static Cli run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = NezhaCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Cli(code, out.toString(), err.toString());
    }

    /** The first "nezha: " line of standard error (errors; progress and information lines are other lines). */
    String errorLine() {
        return err.lines().filter(l -> l.startsWith("nezha: ")).findFirst().orElse("");
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out\n" + out + "\n--- err\n" + err;
    }
}
