package org.nezha.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;

import org.nezha.bindings.NativeSetupException;
import org.nezha.core.InputException;
import org.nezha.core.RunFailedException;
import org.nezha.core.distributed.DistributedException;
import org.nezha.core.io.IoErrors;

/**
 * How a command's failure reaches the user: one "nezha: error:" line and an exit code for everything
 * a user can cause or fix (bad input, I/O, a diverged run, a dead peer, memory); a stack trace only
 * for what is a bug of ours.
 */
final class Failures {
    /** A run that started but could not finish (diverged, a peer died, out of memory). */
    static final int EXIT_RUN_FAILED = 1;
    /** A bug of ours (BSD's EX_SOFTWARE), so that a scheduler can tell it from a run that failed. */
    static final int EXIT_INTERNAL_ERROR = 70;

    private Failures() {}

    /** Prints the failure and returns the exit code. */
    static int report(Throwable e, PrintWriter err) {
        InputException input = find(e, InputException.class);
        if (input != null) return line(err, input.getMessage(), NezhaCli.EXIT_BAD_INPUT);
        RunFailedException failed = find(e, RunFailedException.class);
        if (failed != null) return line(err, failed.getMessage(), EXIT_RUN_FAILED);
        DistributedException peer = find(e, DistributedException.class);
        if (peer != null) return line(err, peer.getMessage(), EXIT_RUN_FAILED);
        NativeSetupException setup = find(e, NativeSetupException.class);
        if (setup != null) return line(err, setup.getMessage(), NezhaCli.EXIT_BAD_INPUT);
        IOException io = find(e, IOException.class);
        if (io != null) return line(err, "I/O failure: " + IoErrors.reason(io), NezhaCli.EXIT_BAD_INPUT);
        String memory = outOfMemory(e);
        if (memory != null) return line(err, memory, EXIT_RUN_FAILED);
        err.println("nezha: internal error (a bug; please report it with the trace below): " + e);
        e.printStackTrace(err);
        err.flush();
        return EXIT_INTERNAL_ERROR;
    }

    private static int line(PrintWriter err, String message, int code) {
        err.println("nezha: error: " + message);
        err.flush();
        return code;
    }

    /** The first of {@code type} in the cause chain, or null. */
    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) return type.cast(c);
        }
        return null;
    }

    /**
     * The Java heap, or libtorch's allocators (whose errors arrive as RuntimeExceptions carrying the
     * C++ message and backtrace): one line instead of the native frames.
     */
    private static String outOfMemory(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof OutOfMemoryError) {
                return "out of Java heap memory (" + c.getMessage() + "); raise -Xmx through NEZHA_JAVA_OPTS";
            }
            String message = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
            if (message.contains("can't allocate memory") || message.contains("out of memory")) {
                String first = c.getMessage().lines().findFirst().orElse("").strip();
                return "out of memory: " + first + " (try a smaller --batch-size or --seq-len, or a smaller model)";
            }
        }
        return null;
    }
}
