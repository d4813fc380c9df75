package org.nezha.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.InputException;

class AtomicFilesTest {
    @TempDir Path dir;

    @Test
    void replacesTheTargetWholeAndLeavesNoTemporaryFile() throws IOException {
        Path target = Files.writeString(dir.resolve("out.json"), "old");
        AtomicFiles.writeString(target, "new");
        assertEquals("new", Files.readString(target));
        assertEquals(List.of(target), entries());
    }

    /** A failure while writing keeps the old file and removes the temporary one. */
    @Test
    void aFailedWriteKeepsTheOldFile() throws IOException {
        Path target = Files.writeString(dir.resolve("out.csv"), "old");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.writeStream(target, out -> {
            out.write("half".getBytes());
            throw new IllegalStateException("disk on fire");
        }));
        assertEquals("old", Files.readString(target));
        assertEquals(List.of(target), entries());
    }

    /** New files get the permissions any new file of this user gets (the umask), not a temp file's private 0600. */
    @Test
    void outputsHonourTheUmask() throws IOException {
        Path reference = Files.createFile(dir.resolve("reference"));
        Path target = dir.resolve("out.png");
        AtomicFiles.writeStream(target, out -> out.write(1)); // a stream the content closes itself
        assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(target));
    }

    @Test
    void anUnwritablePlaceIsOneLineNamingTheFileAndTheReason() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        InputException e = assertThrows(InputException.class, () -> AtomicFiles.writeString(file.resolve("out.json"), "{}"));
        assertEquals(file.resolve("out.json") + ": cannot write: not a directory", e.getMessage());
    }

    private List<Path> entries() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    @Test
    void writesFromAChannelToo() throws IOException {
        Path target = dir.resolve("bytes.bin");
        AtomicFiles.write(target, channel -> channel.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3})));
        assertTrue(java.util.Arrays.equals(new byte[] {1, 2, 3}, Files.readAllBytes(target)));
    }
}
