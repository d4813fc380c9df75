package org.nezha.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Standard error, and whether a person watches it. Progress is drawn as live bars only on a
 * terminal; into a log file or a pipe it is written as plain lines ({@link ConsoleProgress}).
 */
final class Terminal {
    private static final int STDERR = 2;

    private Terminal() {}

    /** Standard error as the commands write to it: a {@link TerminalWriter} when it is a terminal. */
    static PrintWriter stderr() {
        return isTerminal(STDERR) ? new TerminalWriter(System.err) : new PrintWriter(System.err, true);
    }

    /** C's isatty: Java cannot tell for standard error ({@code System.console()} looks at stdin and stdout). */
    static boolean isTerminal(int fd) {
        Linker linker = Linker.nativeLinker();
        MethodHandle isatty = linker.defaultLookup().find("isatty")
                .map(f -> linker.downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)))
                .orElse(null);
        if (isatty == null) return false;
        try {
            return (int) isatty.invokeExact(fd) == 1;
        } catch (Throwable e) {
            return false;
        }
    }

    /** A writer to standard error known to be a terminal. */
    static final class TerminalWriter extends PrintWriter {
        final PrintStream stream;

        TerminalWriter(PrintStream stream) {
            super(stream, true);
            this.stream = stream;
        }
    }
}
