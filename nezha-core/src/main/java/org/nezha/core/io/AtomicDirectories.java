package org.nezha.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.nezha.core.InputException;

/**
 * Output directories written whole or not at all: the content is built in a sibling staging
 * directory and swapped in by renames, so a crash or a failure never leaves half a directory and
 * the previous version stays until the new one is complete.
 */
public final class AtomicDirectories {
    private AtomicDirectories() {}

    /** Writes the files of the directory being built. */
    @FunctionalInterface
    public interface Content {
        void writeInto(Path stagingDir) throws IOException;
    }

    /** Builds {@code dir}'s new content and replaces what was there; on failure {@code dir} is as it was. */
    public static void replace(Path dir, Content content) {
        Path parent = dir.toAbsolutePath().getParent();
        Path staging = TemporaryNames.staging(dir);
        Path old = TemporaryNames.replaced(dir);
        try {
            Files.createDirectories(parent);
            FileTrees.deleteRecursively(staging);
            Files.createDirectories(staging);
            content.writeInto(staging);
            if (Files.exists(dir)) Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            FileTrees.deleteRecursively(old);
        } catch (IOException e) {
            throw InputException.in(dir, "cannot write: " + IoErrors.reason(e));
        } finally {
            deleteQuietly(staging); // gone already when the rename happened
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            FileTrees.deleteRecursively(path);
        } catch (IOException ignored) {
            // the failure that got us here is the one to report
        }
    }
}
