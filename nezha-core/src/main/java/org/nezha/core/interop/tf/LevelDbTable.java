package org.nezha.core.interop.tf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.BiConsumer;

import org.nezha.core.InputException;
import org.nezha.core.io.IoErrors;

/**
 * Reads a LevelDB-format table (TensorFlow's {@code table_format.txt}): a footer with the
 * metaindex and index block handles and a magic number; the index block maps each data block's
 * last key to its handle; each block holds prefix-compressed entries and restart points and is
 * followed by a compression-type byte and a masked crc32c. Checkpoint index files are small (a few
 * hundred bytes per tensor), so the whole table is read into memory.
 */
final class LevelDbTable {
    private static final long MAGIC = 0xdb4775248b80fb57L;
    private static final int FOOTER_BYTES = 48;
    private static final int TRAILER_BYTES = 5;
    private static final int UNCOMPRESSED = 0, SNAPPY = 1;
    private static final long MAX_FILE_BYTES = Integer.MAX_VALUE;

    private final Path file;
    private final byte[] bytes;

    private LevelDbTable(Path file, byte[] bytes) {
        this.file = file;
        this.bytes = bytes;
    }

    /** Every key (decoded as UTF-8, as TF's variable names are) and value, in table order. */
    static LinkedHashMap<String, byte[]> read(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) throw InputException.in(file, "checkpoint index over 2 GB, not a table this reader takes");
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw InputException.in(file, "cannot read checkpoint index: " + IoErrors.reason(e));
        }
        return new LevelDbTable(file, bytes).entries();
    }

    private LinkedHashMap<String, byte[]> entries() {
        if (bytes.length < FOOTER_BYTES) throw corrupt("shorter than a table footer (truncated?)");
        ByteBuffer magic = ByteBuffer.wrap(bytes, bytes.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN);
        if (magic.getLong() != MAGIC) throw corrupt("no table magic number at the end (truncated, or not a checkpoint index)");
        ProtoReader footer = new ProtoReader(Arrays.copyOfRange(bytes, bytes.length - FOOTER_BYTES, bytes.length - 8));
        handle(footer); // metaindex: TF writes no filter blocks, so nothing in it is needed
        long[] index = handle(footer);
        // index keys are separators that need not be valid UTF-8: keep only their values, the data block handles
        List<byte[]> blocks = new ArrayList<>();
        readBlock(index, (key, value) -> blocks.add(value));
        LinkedHashMap<String, byte[]> out = new LinkedHashMap<>();
        for (byte[] blockHandle : blocks) {
            readBlock(handle(new ProtoReader(blockHandle)), (key, value) -> out.put(new String(key, StandardCharsets.UTF_8), value));
        }
        return out;
    }

    private long[] handle(ProtoReader reader) {
        try {
            return new long[] {reader.varint(), reader.varint()};
        } catch (IllegalArgumentException e) {
            throw corrupt("bad block handle: " + e.getMessage());
        }
    }

    private void readBlock(long[] handle, BiConsumer<byte[], byte[]> into) {
        long offset = handle[0], size = handle[1];
        String where = "block at " + offset + "+" + size;
        if (offset < 0 || size < 4 || offset + size + TRAILER_BYTES > bytes.length) {
            throw corrupt(where + " lies past the end of the file (truncated?)");
        }
        int start = (int) offset, end = (int) (offset + size);
        int type = bytes[end] & 0xff;
        int stored = ByteBuffer.wrap(bytes, end + 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (MaskedCrc32c.of(ByteBuffer.wrap(bytes, start, (int) size + 1)) != stored) throw corrupt(where + " fails its crc32c check");
        if (type == SNAPPY) throw corrupt(where + " is snappy-compressed, not supported");
        if (type != UNCOMPRESSED) throw corrupt(where + " has unknown compression type " + type);
        ByteBuffer block = ByteBuffer.wrap(bytes, start, (int) size).slice().order(ByteOrder.LITTLE_ENDIAN);
        int restarts = block.getInt((int) size - 4);
        long entriesEnd = size - 4 - 4L * restarts;
        if (restarts < 1 || entriesEnd < 0) throw corrupt(where + " has a bad restart count " + restarts);
        decodeEntries(where, start, (int) entriesEnd, into);
    }

    /** Entries are (shared key bytes, unshared key bytes, value length) varints, the key suffix, then the value. */
    private void decodeEntries(String where, int start, int length, BiConsumer<byte[], byte[]> into) {
        ProtoReader entries = new ProtoReader(Arrays.copyOfRange(bytes, start, start + length));
        byte[] key = new byte[0];
        try {
            while (entries.hasNext()) {
                long shared = entries.varint();
                if (shared > key.length) throw new IllegalArgumentException("key shares more bytes than the previous key has");
                long unshared = entries.varint(), valueLength = entries.varint();
                byte[] suffix = entries.rawBytes(unshared);
                byte[] next = Arrays.copyOf(key, (int) shared + suffix.length);
                System.arraycopy(suffix, 0, next, (int) shared, suffix.length);
                key = next;
                into.accept(key, entries.rawBytes(valueLength));
            }
        } catch (IllegalArgumentException e) {
            throw corrupt(where + " has a malformed entry: " + e.getMessage());
        }
    }

    private InputException corrupt(String problem) {
        return InputException.in(file, "not a readable checkpoint index: " + problem);
    }
}
