package org.nezha.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.InputException;

class OutputPathsTest {
    @TempDir Path dir;

    @Test
    void aNewOrEmptyDirectoryIsUsableAndNothingIsLeftBehind() throws IOException {
        OutputPaths.requireUsableDirectory(dir.resolve("new/nested"), false);
        OutputPaths.requireUsableDirectory(dir, false);
        OutputPaths.requireWritableFile(dir.resolve("sub/predictions.csv"));
        try (Stream<Path> entries = Files.list(dir)) {
            assertEquals(List.of(), entries.toList(), "the write probe is removed, nothing is created");
        }
    }

    @Test
    void refusalsNameThePathAndTheProblem() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertEquals(file + ": output directory is an existing file",
                assertThrows(InputException.class, () -> OutputPaths.requireUsableDirectory(file, true)).getMessage());
        assertEquals(file.resolve("out") + ": cannot create output directory: " + file + " is a file",
                assertThrows(InputException.class, () -> OutputPaths.requireUsableDirectory(file.resolve("out"), false)).getMessage());
        assertEquals(dir + ": output directory is not empty (use --overwrite to replace its contents)",
                assertThrows(InputException.class, () -> OutputPaths.requireUsableDirectory(dir, false)).getMessage());
        OutputPaths.requireUsableDirectory(dir, true);
        assertEquals(dir + ": is a directory (give a file name)",
                assertThrows(InputException.class, () -> OutputPaths.requireWritableFile(dir)).getMessage());
    }

    /** Permission bits do not stop root, so this runs only for other users. */
    @Test
    void anExistingEmptyUnwritableDirectoryIsRefusedBeforeAnyWork() throws IOException {
        Path locked = Files.createDirectory(dir.resolve("locked"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("r-xr-xr-x")));
        assumeFalse(Files.isWritable(locked), "running as root: permissions are not enforced");
        assertEquals(locked + ": output directory is not writable: permission denied",
                assertThrows(InputException.class, () -> OutputPaths.requireUsableDirectory(locked, false)).getMessage());
    }

    /**
     * What a run killed while saving left is repaired when a run claims the directory: the replaced
     * best/ whose replacement never arrived comes back, the rest of a dead process's goes; a live
     * process's work in progress and anybody else's files stay.
     */
    @Test
    void aClaimedDirectoryIsRepairedAndNothingElseIsTouched() throws IOException {
        long dead = Long.MAX_VALUE / 10; // no process has this id
        long alive = ProcessHandle.current().pid();
        Path staging = Files.createDirectories(dir.resolve(".best.nezha-tmp-" + dead));
        Files.writeString(staging.resolve("model.safetensors"), "half");
        Path replaced = Files.createDirectories(dir.resolve(".best.nezha-old-" + dead));
        Files.writeString(replaced.resolve("model.safetensors"), "the previous best");
        Files.writeString(dir.resolve(".metrics.jsonl.nezha-tmp-" + dead + "-3"), "half");
        Files.createDirectories(dir.resolve("checkpoint-4"));
        Path replacedCheckpoint = Files.createDirectories(dir.resolve(".checkpoint-4.nezha-old-" + dead));
        Path working = Files.writeString(dir.resolve(".loss.png.nezha-tmp-" + alive + "-1"), "being written");
        Path user = Files.writeString(dir.resolve(".bashrc.old-20240101"), "not ours");
        Path userTmp = Files.writeString(dir.resolve(".notes.tmp-123"), "not ours");
        OutputPaths.claimRunDirectory(dir);
        try (Stream<Path> entries = Files.list(dir)) {
            assertEquals(Set.of(dir.resolve("best"), dir.resolve("checkpoint-4"), working, user, userTmp),
                    Set.copyOf(entries.toList()));
        }
        assertEquals("the previous best", Files.readString(dir.resolve("best/model.safetensors")));
        assertFalse(Files.exists(replacedCheckpoint));
    }
}
