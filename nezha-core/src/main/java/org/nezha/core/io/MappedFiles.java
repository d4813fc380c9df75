package org.nezha.core.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.nezha.core.InputException;

/**
 * Whole files mapped read-only into memory segments that live as long as an arena: the page cache
 * holds what is in use, not the JVM. A failure is one {@link InputException} line naming the file.
 */
public final class MappedFiles {
    private MappedFiles() {}

    /** Maps {@code file}; when it does not exist the error says {@code whenMissing}. */
    public static MemorySegment map(Path file, Arena arena, String whenMissing) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
        } catch (NoSuchFileException e) {
            throw InputException.in(file, whenMissing);
        } catch (IOException e) {
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
    }
}
