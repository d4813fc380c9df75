package org.nezha.core.io;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names this engine gives what it writes before a rename: {@code .NAME.nezha-tmp-PID[-N]} for a
 * file or directory being built, {@code .NAME.nezha-old-PID} for the one it replaces. The tag and
 * the writer's process id let a later run tell a killed run's leftovers from anybody else's files.
 */
public final class TemporaryNames {
    private static final Pattern NAME = Pattern.compile("\\.(.+)\\.nezha-(tmp|old)-(\\d{1,18})(?:-\\d+)?");
    private static final AtomicLong COUNTER = new AtomicLong();

    /** A leftover: what it stands for ({@code NAME} in the same directory), whether it is the replaced one, its writer. */
    record Parsed(String target, boolean old, long pid) {}

    private TemporaryNames() {}

    /** A sibling of {@code target} no other writer, thread or process, uses. */
    static Path unique(Path target) {
        Path staging = of(target, "tmp");
        return staging.resolveSibling(staging.getFileName() + "-" + COUNTER.incrementAndGet());
    }

    /** This process's sibling of {@code target} in which a replacement is built. */
    public static Path staging(Path target) {
        return of(target, "tmp");
    }

    /** This process's sibling of {@code target} where the replaced version waits to be deleted. */
    public static Path replaced(Path target) {
        return of(target, "old");
    }

    static Optional<Parsed> parse(String fileName) {
        Matcher m = NAME.matcher(fileName);
        return m.matches() ? Optional.of(new Parsed(m.group(1), m.group(2).equals("old"), Long.parseLong(m.group(3))))
                : Optional.empty();
    }

    private static Path of(Path target, String kind) {
        Path absolute = target.toAbsolutePath();
        return absolute.resolveSibling("." + absolute.getFileName() + ".nezha-" + kind + "-" + ProcessHandle.current().pid());
    }
}
