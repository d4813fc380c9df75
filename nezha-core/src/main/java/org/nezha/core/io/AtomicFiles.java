package org.nezha.core.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import org.nezha.core.InputException;

/**
 * Output files written whole or not at all: the content goes to a temporary sibling, is flushed to
 * disk and renamed over the target, so a reader (or a crash) never sees half a file. The temporary
 * file is created like any new file, so the result has the permissions the user's umask gives
 * (unlike {@code Files.createTempFile}, which makes it private). A failure is one
 * {@link InputException} line naming the target and the reason; the temporary file is removed.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the content through an open channel. */
    @FunctionalInterface
    public interface Content {
        void writeTo(FileChannel out) throws IOException;
    }

    /** Writes the content as a stream (text, JSON, images). */
    @FunctionalInterface
    public interface StreamContent {
        void writeTo(OutputStream out) throws IOException;
    }

    public static void write(Path target, Content content) {
        Path temp = TemporaryNames.unique(target);
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(out);
                out.force(true);
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw InputException.in(target, "cannot write: " + IoErrors.reason(e));
        } finally {
            deleteQuietly(temp); // gone already when the rename happened
        }
    }

    /** The stream may be closed by the content (Jackson and image encoders do); the file is finished here. */
    public static void writeStream(Path target, StreamContent content) {
        write(target, channel -> {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel)) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            };
            content.writeTo(out);
            out.flush();
        });
    }

    public static void writeBytes(Path target, byte[] bytes) {
        write(target, channel -> {
            for (ByteBuffer buffer = ByteBuffer.wrap(bytes); buffer.hasRemaining(); ) channel.write(buffer);
        });
    }

    public static void writeString(Path target, String text) {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // the write's own failure is the one to report
        }
    }
}
