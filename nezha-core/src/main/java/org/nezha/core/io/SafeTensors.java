package org.nezha.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.InputException;
import org.nezha.core.tensor.Tensors;

/**
 * The safetensors format (what HF's {@code save_pretrained} writes): an 8-byte little-endian header
 * length, a JSON header mapping each name to {@code dtype}, {@code shape} and {@code data_offsets},
 * an optional {@code __metadata__} string map, then the raw little-endian tensor bytes.
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String METADATA = "__metadata__";
    /** Headers beyond this are malformed, not big models (HF's own limit is 100 MB). */
    private static final long MAX_HEADER_BYTES = 100L << 20;

    private SafeTensors() {}

    /** Every tensor in the file, on the CPU, in header order. */
    public static LinkedHashMap<String, Tensor> read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Header header = readHeader(file, channel);
            LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : header.entries) tensors.put(e.name, readTensor(file, channel, header, e));
            return tensors;
        } catch (IOException e) {
            throw InputException.in(file, "cannot read safetensors: " + IoErrors.reason(e));
        }
    }

    /** The {@code __metadata__} strings (empty if the file has none). */
    public static Map<String, String> readMetadata(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(file, channel).metadata;
        } catch (IOException e) {
            throw InputException.in(file, "cannot read safetensors: " + IoErrors.reason(e));
        }
    }

    /** What a writer is told of each tensor before any data: its name, dtype and shape. */
    public record Spec(String name, ScalarType dtype, long[] shape) {
        long bytes() {
            long n = DType.of(dtype).bytes;
            for (long d : shape) n = Math.multiplyExact(n, d);
            return n;
        }
    }

    /** Hands every tensor of the specs, in any order, to the writer's sink. */
    @FunctionalInterface
    public interface TensorProducer {
        void produce(BiConsumer<String, Tensor> sink);
    }

    /**
     * Writes the tensors (any device, any layout; stored contiguous) with {@code metadata}, whole or not
     * at all ({@link AtomicFiles}).
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        List<Spec> specs = new ArrayList<>();
        tensors.forEach((name, t) -> specs.add(new Spec(name, Tensors.dtype(t), t.sizes().vec().get())));
        write(file, specs, metadata, sink -> tensors.forEach(sink));
    }

    /**
     * Streams a file: the header comes from {@code specs}, then each tensor the producer hands over is
     * written at its place and can be freed, so a converter never holds the model. Every spec must be
     * produced once with its dtype and shape; the file appears whole or not at all.
     */
    public static void write(Path file, List<Spec> specs, Map<String, String> metadata, TensorProducer producer) {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA);
            metadata.forEach(meta::put);
        }
        Map<String, long[]> offsets = new HashMap<>();
        long offset = 0;
        for (Spec spec : specs) {
            ObjectNode entry = header.putObject(spec.name);
            entry.put("dtype", DType.of(spec.dtype).name());
            ArrayNode shape = entry.putArray("shape");
            for (long s : spec.shape) shape.add(s);
            long bytes = spec.bytes();
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            if (offsets.put(spec.name, new long[] {offset, bytes}) != null) throw new IllegalArgumentException("tensor " + spec.name + " specified twice");
            offset += bytes;
        }
        byte[] json = headerBytes(header);
        long dataStart = 8 + json.length;
        Map<String, Spec> byName = new HashMap<>();
        specs.forEach(spec -> byName.put(spec.name, spec));
        AtomicFiles.write(file, out -> {
            ByteBuffer prefix = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN);
            prefix.putLong(json.length).put(json).flip();
            writeFully(out, prefix, 0);
            Set<String> written = new HashSet<>();
            try {
                producer.produce((name, tensor) -> {
                    Spec spec = byName.get(name);
                    if (spec == null || !written.add(name)) throw new IllegalArgumentException("tensor " + name + " is not expected here");
                    writeTensor(out, dataStart + offsets.get(name)[0], spec, tensor);
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            if (written.size() != specs.size()) throw new IllegalStateException((specs.size() - written.size()) + " tensors were never produced");
        });
    }

    private static void writeTensor(FileChannel out, long position, Spec spec, Tensor tensor) {
        if (Tensors.dtype(tensor) != spec.dtype || !Arrays.equals(tensor.sizes().vec().get(), spec.shape)) {
            throw new IllegalArgumentException("tensor " + spec.name + " is not the " + spec.dtype + " " + Arrays.toString(spec.shape) + " its spec says");
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor t = tensor.detach().cpu().contiguous();
            long bytes = t.nbytes();
            BytePointer data = bytes == 0 ? null : new BytePointer(t.data_ptr()).capacity(bytes);
            for (long done = 0; done < bytes; ) {
                long chunk = Math.min(bytes - done, 1L << 30);
                writeFully(out, data.position(done).limit(done + chunk).asByteBuffer(), position + done);
                done += chunk;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The header JSON, padded with spaces to a multiple of 8 bytes so tensor data stays aligned (as HF does). */
    private static byte[] headerBytes(ObjectNode header) {
        try {
            String json = JSON.writeValueAsString(header);
            int pad = (8 - json.getBytes(StandardCharsets.UTF_8).length % 8) % 8;
            return (json + " ".repeat(pad)).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One tensor's header entry, checked against the file: its bytes lie at {@code [begin, end)} of the data. */
    public record Entry(String name, String dtypeName, ScalarType dtype, long[] shape, long begin, long end) {}

    /** A file's header: its tensors in header order, its metadata, where the data starts. */
    public record Header(List<Entry> entries, Map<String, String> metadata, long dataStart) {}

    /** Reads and checks the header (every entry's dtype, shape and offsets against the file size). */
    public static Header readHeader(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < 8) throw InputException.in(file, "not a safetensors file (shorter than its 8-byte header length)");
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0);
        long length = lengthBytes.flip().getLong();
        if (length <= 0 || length > MAX_HEADER_BYTES || 8 + length > size) {
            throw InputException.in(file, "not a safetensors file (header length " + length + " does not fit a file of " + size + " bytes)");
        }
        ByteBuffer json = ByteBuffer.allocate((int) length);
        readFully(channel, json, 8);
        JsonNode node;
        try {
            node = JSON.readTree(new String(json.array(), StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw InputException.in(file, "safetensors header is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) throw InputException.in(file, "safetensors header is not a JSON object");
        long dataStart = 8 + length;
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(METADATA)) e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
            else entries.add(entry(file, size - dataStart, e.getKey(), e.getValue()));
        }
        return new Header(entries, metadata, dataStart);
    }

    private static Entry entry(Path file, long dataBytes, String name, JsonNode entry) {
        DType dtype = DType.named(entry.path("dtype").asText());
        if (dtype == null) throw InputException.in(file, "tensor " + name + " has unsupported dtype " + entry.get("dtype"));
        JsonNode shapeNode = entry.get("shape");
        JsonNode offsets = entry.get("data_offsets");
        if (shapeNode == null || !shapeNode.isArray() || offsets == null || !offsets.isArray() || offsets.size() != 2) {
            throw InputException.in(file, "tensor " + name + " lacks a shape or data_offsets");
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) throw InputException.in(file, "tensor " + name + " has a negative dimension");
            elements = Math.multiplyExact(elements, shape[i]);
        }
        long begin = offsets.get(0).asLong(-1), end = offsets.get(1).asLong(-1);
        long bytes = Math.multiplyExact(elements, dtype.bytes);
        if (begin < 0 || end - begin != bytes || end > dataBytes) {
            throw InputException.in(file, "tensor " + name + " has data_offsets [" + begin + ", " + end
                    + "] that do not match its " + bytes + " bytes or the file size");
        }
        return new Entry(name, dtype.name(), dtype.scalarType, shape, begin, end);
    }

    /** One tensor's values, read into a new CPU tensor. */
    public static Tensor readTensor(Path file, FileChannel channel, Header header, Entry e) throws IOException {
        Tensor tensor = torch.empty(e.shape, new TensorOptions(e.dtype), new MemoryFormatOptional());
        long bytes = e.end - e.begin;
        if (bytes == 0) return tensor;
        BytePointer target = new BytePointer(tensor.data_ptr()).capacity(bytes);
        for (long done = 0; done < bytes; ) {
            long chunk = Math.min(bytes - done, 1L << 30);
            readFully(channel, target.position(done).limit(done + chunk).asByteBuffer(), header.dataStart + e.begin + done);
            done += chunk;
        }
        return tensor;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position);
            if (n < 0) throw new IOException("unexpected end of file");
            position += n;
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) position += channel.write(buffer, position);
    }

    /** safetensors dtype names and their libtorch types. */
    enum DType {
        F64(ScalarType.Double, 8), F32(ScalarType.Float, 4), F16(ScalarType.Half, 2), BF16(ScalarType.BFloat16, 2),
        I64(ScalarType.Long, 8), I32(ScalarType.Int, 4), I16(ScalarType.Short, 2), I8(ScalarType.Char, 1),
        U8(ScalarType.Byte, 1), BOOL(ScalarType.Bool, 1);

        final ScalarType scalarType;
        final int bytes;

        DType(ScalarType scalarType, int bytes) {
            this.scalarType = scalarType;
            this.bytes = bytes;
        }

        static DType named(String name) {
            for (DType d : values()) if (d.name().equals(name)) return d;
            return null;
        }

        static DType of(ScalarType type) {
            for (DType d : values()) if (d.scalarType == type) return d;
            throw new IllegalArgumentException("safetensors cannot store dtype " + type);
        }
    }
}
