package org.nezha.core.io;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.nezha.core.InputException;

/**
 * Checks on where a command will write, made before any work: a run of hours must not fail at its
 * first write, and a new run must not mix its outputs into an earlier one's.
 */
public final class OutputPaths {
    private static final String WRITE_PROBE = ".nezha-write-test-";

    private OutputPaths() {}

    /** An output directory: a directory (or creatable as one), writable, and empty unless {@code overwrite}. */
    public static void requireUsableDirectory(Path dir, boolean overwrite) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw InputException.in(dir, "output directory is an existing file");
        if (Files.isDirectory(dir) && !overwrite) {
            try (Stream<Path> entries = Files.list(dir)) {
                // another process of a data-parallel launch may be probing the same directory
                if (entries.anyMatch(p -> !p.getFileName().toString().startsWith(WRITE_PROBE))) {
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

    public static void createDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw InputException.in(dir, "cannot create output directory: " + IoErrors.reason(e));
        }
    }

    /** Removes {@code dir} if it is empty: what a failed run that created it leaves, so nothing of it stays behind. */
    public static void removeIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException e) {
            // it holds something after all: not ours to remove
        } catch (IOException e) {
            // the run's own failure is the one to report
        }
    }

    /**
     * Creates a run's output directory and repairs what a run killed while saving left in it: a
     * replaced version whose replacement never arrived is put back, the rest of a dead process's
     * {@link TemporaryNames} is deleted. Only for directories the run owns; nothing else is touched.
     */
    public static void claimRunDirectory(Path dir) {
        createDirectory(dir);
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                var leftover = TemporaryNames.parse(entry.getFileName().toString());
                if (leftover.isEmpty() || ProcessHandle.of(leftover.get().pid()).isPresent()) continue;
                Path target = entry.resolveSibling(leftover.get().target());
                if (leftover.get().old() && !Files.exists(target)) Files.move(entry, target);
                else FileTrees.deleteRecursively(entry);
            }
        } catch (IOException e) {
            throw InputException.in(dir, "cannot clean up the output directory: " + IoErrors.reason(e));
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
        Path probe = existing.resolve(WRITE_PROBE + ProcessHandle.current().pid());
        try {
            Files.deleteIfExists(Files.createFile(probe));
        } catch (IOException e) {
            throw InputException.in(output, what + " is not writable: " + IoErrors.reason(e)
                    + (existing.equals(dir.toAbsolutePath()) ? "" : " (in " + existing + ")"));
        }
    }
}
