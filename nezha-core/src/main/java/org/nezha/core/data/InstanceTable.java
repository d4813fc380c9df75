package org.nezha.core.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

import org.nezha.core.InputException;
import org.nezha.core.io.AtomicFiles;
import org.nezha.core.io.MappedFiles;

/**
 * The packed instances of a whole corpus as fixed-size little-endian records, so that item i of an
 * epoch is found without holding objects per instance: in native memory for a small corpus, or in a
 * file mapped read-only for a sharded one (the page cache holds what is in use, not the JVM).
 */
public final class InstanceTable implements AutoCloseable {
    private static final int RECORD_BYTES = 32; // aStart, bStart (long), aLength, bLength, flags (int), padding
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int RANDOM_NEXT = 1;

    private final MemorySegment records;
    private final Arena arena; // owns the native memory or the mapping
    private final int size;

    private InstanceTable(MemorySegment records, Arena arena) {
        this.records = records;
        this.arena = arena;
        long count = records.byteSize() / RECORD_BYTES;
        if (count > Integer.MAX_VALUE) throw new InputException("the corpus packs into over 2^31 sequences; split it into several runs");
        this.size = (int) count;
    }

    /** Packs the corpus into native memory (off the heap, which a large corpus's table would crowd). */
    public static InstanceTable inMemory(InstancePacker packer, long seed) {
        Arena arena = Arena.ofShared();
        GrowingSegment records = new GrowingSegment(arena);
        try {
            writeAll(packer, seed, records);
        } catch (IOException | RuntimeException e) {
            arena.close();
            if (e instanceof RuntimeException r) throw r;
            throw new UncheckedIOException((IOException) e); // memory does not fail to write
        }
        return new InstanceTable(records.written(), arena);
    }

    /** A channel into native memory that doubles its segment as it fills. */
    private static final class GrowingSegment implements WritableByteChannel {
        private final Arena arena;
        private MemorySegment segment;
        private long size;

        GrowingSegment(Arena arena) {
            this.arena = arena;
            this.segment = arena.allocate(RECORD_BYTES << 12);
        }

        @Override
        public int write(ByteBuffer source) {
            int n = source.remaining();
            if (size + n > segment.byteSize()) {
                MemorySegment larger = arena.allocate(Math.max(segment.byteSize() * 2, size + n));
                MemorySegment.copy(segment, 0, larger, 0, size);
                segment = larger; // the old one goes with the arena: the table's peak is about twice its size
            }
            MemorySegment.copy(MemorySegment.ofBuffer(source), 0, segment, size, n);
            source.position(source.limit());
            size += n;
            return n;
        }

        MemorySegment written() {
            return segment.asSlice(0, size);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }

    /** Packs the corpus into {@code file} (written whole or not at all) and maps it. */
    public static InstanceTable inFile(InstancePacker packer, long seed, Path file) {
        AtomicFiles.write(file, channel -> writeAll(packer, seed, channel));
        return map(file);
    }

    /** Maps a table {@link #inFile} wrote; a size that is not whole records is a truncated file. */
    public static InstanceTable map(Path file) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment records = MappedFiles.map(file, arena, "not found");
            if (records.byteSize() % RECORD_BYTES != 0) {
                throw InputException.in(file, "truncated: " + records.byteSize() + " bytes is not a whole number of "
                        + RECORD_BYTES + "-byte instances");
            }
            return new InstanceTable(records, arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static void writeAll(InstancePacker packer, long seed, WritableByteChannel out) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(RECORD_BYTES << 15).order(ByteOrder.LITTLE_ENDIAN);
        try {
            packer.packAll(seed, instance -> {
                if (buffer.remaining() < RECORD_BYTES) flush(buffer, out);
                buffer.putLong(instance.aStart()).putLong(instance.bStart()).putInt(instance.aLength())
                        .putInt(instance.bLength()).putInt(instance.randomNext() ? RANDOM_NEXT : 0).putInt(0);
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        flush(buffer, out);
    }

    private static void flush(ByteBuffer buffer, WritableByteChannel out) {
        buffer.flip();
        try {
            while (buffer.hasRemaining()) out.write(buffer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buffer.clear();
    }

    public int size() {
        return size;
    }

    public PackedInstance get(int index) {
        long at = (long) index * RECORD_BYTES;
        return new PackedInstance(records.get(LONG, at), records.get(INT, at + 16), records.get(LONG, at + 8),
                records.get(INT, at + 20), (records.get(INT, at + 24) & RANDOM_NEXT) != 0);
    }

    @Override
    public void close() {
        arena.close();
    }
}
