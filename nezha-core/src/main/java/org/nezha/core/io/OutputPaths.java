package org.nezha.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.nezha.core.InputException;

/**
 * Checks on where a command will write, made before any work: a run of hours must not fail at its
 * first write, and a new run must not mix its outputs into an earlier one's.
 */
public final class OutputPaths {
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.(?:tmp|old)-(\\d{1,18})(?:-\\d+)?");

    private OutputPaths() {}

    /** An output directory: a directory (or creatable as one), writable, and empty unless {@code overwrite}. */
    public static void requireUsableDirectory(Path dir, boolean overwrite) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw InputException.in(dir, "output directory is an existing file");
        if (Files.isDirectory(dir) && !overwrite) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw InputException.in(dir, "output directory is not empty (use --overwrite to replace its contents)");
                }
            } catch (IOException e) {
                throw InputException.in(dir, "cannot read output directory: " + IoErrors.reason(e));
            }
        }
        requireWritable(dir, dir, "output directory");
    }

    /** An output file: not a directory, its directory existing or creatable, and writable. */
    public static void requireWritableFile(Path file) {
        if (Files.isDirectory(file)) throw InputException.in(file, "is a directory (give a file name)");
        requireWritable(file, file.toAbsolutePath().getParent(), "its directory");
    }

    /** Creates the directory, and clears the temporary files and directories a killed run left in it. */
    public static void createDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
            removeStaleTemporaries(dir);
        } catch (IOException e) {
            throw InputException.in(dir, "cannot create output directory: " + IoErrors.reason(e));
        }
    }

    /**
     * Deletes the entries of {@code dir} named as this engine names what it writes before a rename
     * ({@code .NAME.tmp-PID[-N]}, {@code .NAME.old-PID}: {@link AtomicFiles}, model directories) whose
     * process is gone: a run killed while saving leaves them. A live process's are its work in progress.
     */
    static void removeStaleTemporaries(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                Matcher m = TEMPORARY.matcher(entry.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) FileTrees.deleteRecursively(entry);
            }
        }
    }


    /**
     * {@code dir}, or the nearest ancestor that exists (where it would be created), takes a new file;
     * errors name {@code output}. Tried with a probe file rather than permission bits, which say
     * nothing of read-only file systems, full quotas or a root user.
     */
    private static void requireWritable(Path output, Path dir, String what) {
        Path existing = dir.toAbsolutePath();
        while (!Files.exists(existing)) {
            existing = existing.getParent();
            if (existing == null) return;
        }
        if (!Files.isDirectory(existing)) {
            throw InputException.in(output, "cannot create " + what + ": " + existing + " is a file");
        }
        Path probe = existing.resolve(".nezha-write-test-" + ProcessHandle.current().pid());
        try {
            Files.deleteIfExists(Files.createFile(probe));
        } catch (IOException e) {
            throw InputException.in(output, what + " is not writable: " + IoErrors.reason(e)
                    + (existing.equals(dir.toAbsolutePath()) ? "" : " (in " + existing + ")"));
        }
    }
}
