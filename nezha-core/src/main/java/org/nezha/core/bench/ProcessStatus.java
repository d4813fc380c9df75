package org.nezha.core.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fields of Linux's /proc/self/status: the process's memory as the kernel counts it. */
final class ProcessStatus {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessStatus() {}

    /** A "kB" field such as {@code VmRSS:} (resident set) or {@code VmHWM:} (its high-water mark). */
    static long kilobytes(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
            }
            throw new IllegalStateException(STATUS + " has no " + field);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
