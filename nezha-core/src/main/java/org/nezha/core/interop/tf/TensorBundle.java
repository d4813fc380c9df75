package org.nezha.core.interop.tf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import org.nezha.core.InputException;
import org.nezha.core.interop.CheckpointSource;
import org.nezha.core.interop.StoredTensor;
import org.nezha.core.io.IoErrors;

/**
 * A TensorFlow checkpoint (tensor bundle, {@code tensor_bundle.proto}): {@code PREFIX.index}, a
 * LevelDB-format table whose empty key holds the {@code BundleHeaderProto} and whose other keys are
 * tensor names with their {@code BundleEntryProto}, and the data shards
 * {@code PREFIX.data-0000S-of-0000N}. Opening reads the index only; {@link #read} reads one tensor's
 * bytes (checking their crc32c) so a converter holds one tensor at a time.
 */
public final class TensorBundle extends CheckpointSource {
    private static final String INDEX_SUFFIX = ".index";
    private static final int HEADER_NUM_SHARDS = 1, HEADER_ENDIANNESS = 2;
    private static final int BIG_ENDIAN = 1;
    /** Reads go through the tensor's memory in chunks a ByteBuffer can address. */
    private static final long CHUNK_BYTES = 1L << 30;

    private final Path prefix;
    private final Path index;
    private final List<BundleEntry> entries;
    private final FileChannel[] shards;

    private TensorBundle(Path prefix, Path index, int numShards, List<BundleEntry> entries) {
        super(prefix, "TensorFlow checkpoint (" + numShards + (numShards == 1 ? " data shard)" : " data shards)"), true,
                entries.stream().map(TensorBundle::stored).toList());
        this.prefix = prefix;
        this.index = index;
        this.entries = entries;
        this.shards = new FileChannel[numShards];
    }

    private static StoredTensor stored(BundleEntry e) {
        String unreadable = e.sliced() ? "partitioned (sliced), not supported"
                : e.dtype() == null || !e.dtype().readable() ? "unsupported " + e.dtypeName() : null;
        return new StoredTensor(e.name(), e.dtypeName(), unreadable == null ? e.dtype().scalarType : null, e.shape(), e.size(), unreadable);
    }

    /** Opens {@code PREFIX}, {@code PREFIX.index} or one of its data shards, reading the index. */
    public static TensorBundle open(Path path) {
        Path prefix = prefixOf(path);
        Path index = prefix.resolveSibling(prefix.getFileName() + INDEX_SUFFIX);
        if (!Files.exists(index)) throw InputException.in(index, "no such file (expected the .index of a TensorFlow checkpoint)");
        int numShards = 1;
        boolean sawHeader = false;
        List<BundleEntry> entries = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : LevelDbTable.read(index).entrySet()) {
            String key = e.getKey();
            try {
                if (key.isEmpty()) {
                    numShards = parseHeader(index, e.getValue());
                    sawHeader = true;
                } else if (key.charAt(0) != '\0') { // keys starting with NUL name the parts of a sliced tensor
                    entries.add(checked(index, numShards, BundleEntry.parse(key, e.getValue())));
                }
            } catch (IllegalArgumentException bad) {
                throw InputException.in(index, "entry " + (key.isEmpty() ? "(header)" : key) + " is malformed: " + bad.getMessage());
            }
        }
        if (!sawHeader) throw InputException.in(index, "not a TensorFlow checkpoint index (no bundle header)");
        return new TensorBundle(prefix, index, numShards, Collections.unmodifiableList(entries));
    }

    private static Path prefixOf(Path path) {
        String name = path.getFileName().toString();
        if (name.endsWith(INDEX_SUFFIX)) return path.resolveSibling(name.substring(0, name.length() - INDEX_SUFFIX.length()));
        int data = name.lastIndexOf(".data-");
        if (data > 0 && name.substring(data).matches("\\.data-\\d{5}-of-\\d{5}")) return path.resolveSibling(name.substring(0, data));
        return path;
    }

    private static int parseHeader(Path index, byte[] proto) {
        ProtoReader in = new ProtoReader(proto);
        long numShards = 0;
        while (in.hasNext()) {
            int tag = in.tag();
            if (tag >>> 3 == HEADER_NUM_SHARDS) numShards = in.varint();
            else if (tag >>> 3 == HEADER_ENDIANNESS) {
                if (in.varint() == BIG_ENDIAN) throw InputException.in(index, "big-endian checkpoint, not supported");
            } else in.skip(tag);
        }
        if (numShards < 1 || numShards > 99999) throw InputException.in(index, "bundle header gives " + numShards + " data shards");
        return (int) numShards;
    }

    /** Checks what can be checked without the data: the shard exists in the header, the size fits the shape. */
    private static BundleEntry checked(Path index, int numShards, BundleEntry e) {
        for (long d : e.shape()) if (d < 0) throw InputException.in(index, "tensor " + e.name() + " has a negative dimension");
        if (e.sliced()) return e;
        if (e.shard() < 0 || e.shard() >= numShards) {
            throw InputException.in(index, "tensor " + e.name() + " lies in shard " + e.shard() + " of " + numShards);
        }
        if (e.offset() < 0 || e.size() < 0) throw InputException.in(index, "tensor " + e.name() + " has a negative offset or size");
        return e;
    }

    /** Every tensor in index order (TF sorts by name), without reading data. */
    public List<BundleEntry> entries() {
        return entries;
    }

    /** Reads only the wanted tensors' bytes: a bundle's optimizer slots (two thirds of it) are never touched. */
    @Override
    public void read(Predicate<StoredTensor> wanted, BiConsumer<StoredTensor, Tensor> each) {
        List<StoredTensor> tensors = tensors();
        for (int i = 0; i < entries.size(); i++) {
            if (wanted.test(tensors.get(i))) each.accept(tensors.get(i), read(entries.get(i)));
        }
    }

    /** The tensor's values on the CPU, after checking its size and masked crc32c. */
    public Tensor read(BundleEntry e) {
        if (e.sliced()) throw InputException.in(index, "tensor " + e.name() + " is partitioned (sliced), not supported");
        if (e.dtype() == null || !e.dtype().readable()) {
            throw InputException.in(index, "tensor " + e.name() + " has unsupported " + e.dtypeName());
        }
        long bytes = Math.multiplyExact(e.elements(), e.dtype().bytes);
        if (bytes != e.size()) {
            throw InputException.in(index, "tensor " + e.name() + " stores " + e.size() + " bytes, its " + e.dtypeName()
                    + " shape " + Arrays.toString(e.shape()) + " needs " + bytes);
        }
        Path shardFile = shardFile(e.shard());
        try {
            FileChannel channel = shard(e.shard());
            if (e.offset() + bytes > channel.size()) {
                throw InputException.in(shardFile, "tensor " + e.name() + " runs past the end of the file (truncated?)");
            }
            Tensor tensor = torch.empty(e.shape(), new TensorOptions(e.dtype().scalarType), new MemoryFormatOptional());
            CRC32C crc = new CRC32C();
            if (bytes > 0) {
                BytePointer target = new BytePointer(tensor.data_ptr()).capacity(bytes);
                for (long done = 0; done < bytes; ) {
                    long chunk = Math.min(bytes - done, CHUNK_BYTES);
                    ByteBuffer buffer = target.position(done).limit(done + chunk).asByteBuffer();
                    readFully(channel, buffer, e.offset() + done);
                    crc.update(buffer.flip());
                    done += chunk;
                }
            }
            if (MaskedCrc32c.mask(crc.getValue()) != e.maskedCrc32c()) {
                throw InputException.in(shardFile, "tensor " + e.name() + " fails its crc32c check (corrupt data)");
            }
            return tensor;
        } catch (IOException io) {
            throw InputException.in(shardFile, "cannot read checkpoint data: " + IoErrors.reason(io));
        }
    }

    private Path shardFile(int shard) {
        return prefix.resolveSibling(prefix.getFileName() + String.format(".data-%05d-of-%05d", shard, shards.length));
    }

    private FileChannel shard(int shard) throws IOException {
        if (shards[shard] == null) shards[shard] = FileChannel.open(shardFile(shard), StandardOpenOption.READ);
        return shards[shard];
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position);
            if (n < 0) throw new IOException("unexpected end of file");
            position += n;
        }
    }

    @Override
    public void close() {
        for (FileChannel c : shards) {
            try {
                if (c != null) c.close();
            } catch (IOException ignored) {
                // read-only channels: nothing is lost when a close fails
            }
        }
    }
}
