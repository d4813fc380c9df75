package org.nezha.core.corpus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.nezha.core.InputException;
import org.nezha.core.io.IoErrors;

/** A new file written sequentially in little-endian numbers through one buffer; errors name {@code shown}. */
final class LittleEndianOutput implements AutoCloseable {
    private static final int BUFFER_BYTES = 1 << 20;

    private final Path shown;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long written;

    /** Creates {@code file}, which must not exist; {@code shown} is the name errors give (the final one, not the temporary). */
    LittleEndianOutput(Path file, Path shown) {
        this.shown = shown;
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw InputException.in(shown, "cannot write: " + IoErrors.reason(e));
        }
    }

    void putByte(byte value) {
        room(Byte.BYTES).put(value);
    }

    void putShort(short value) {
        room(Short.BYTES).putShort(value);
    }

    void putInt(int value) {
        room(Integer.BYTES).putInt(value);
    }

    void putLong(long value) {
        room(Long.BYTES).putLong(value);
    }

    /** Bytes written so far, buffered ones included. */
    long size() {
        return written + buffer.position();
    }

    private ByteBuffer room(int bytes) {
        if (buffer.remaining() < bytes) flush();
        return buffer;
    }

    private void flush() {
        buffer.flip();
        try {
            while (buffer.hasRemaining()) written += channel.write(buffer);
        } catch (IOException e) {
            throw InputException.in(shown, "cannot write: " + IoErrors.reason(e));
        }
        buffer.clear();
    }

    /** Writes what is buffered and forces it to disk, so a rename after this publishes whole data. */
    void finish() {
        flush();
        try {
            channel.force(true);
        } catch (IOException e) {
            throw InputException.in(shown, "cannot write: " + IoErrors.reason(e));
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw InputException.in(shown, "cannot write: " + IoErrors.reason(e));
        }
    }
}
