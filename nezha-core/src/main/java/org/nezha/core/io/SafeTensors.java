package org.nezha.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.bytedeco.javacpp.BytePointer;
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
            for (Iterator<Map.Entry<String, JsonNode>> it = header.json.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals(METADATA)) continue;
                tensors.put(e.getKey(), readTensor(file, channel, header.dataStart, e.getKey(), e.getValue()));
            }
            return tensors;
        } catch (IOException e) {
            throw InputException.in(file, "cannot read safetensors: " + IoErrors.reason(e));
        }
    }

    /** The {@code __metadata__} strings (empty if the file has none). */
    public static Map<String, String> readMetadata(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            JsonNode meta = readHeader(file, channel).json.get(METADATA);
            Map<String, String> out = new LinkedHashMap<>();
            if (meta != null) meta.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
            return out;
        } catch (IOException e) {
            throw InputException.in(file, "cannot read safetensors: " + IoErrors.reason(e));
        }
    }

    /**
     * Writes the tensors (any device, any layout; stored contiguous) with {@code metadata}, whole or not
     * at all ({@link AtomicFiles}).
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA);
            metadata.forEach(meta::put);
        }
        Map<String, Tensor> contiguous = new LinkedHashMap<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue().detach().cpu().contiguous();
            contiguous.put(e.getKey(), t);
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", DType.of(Tensors.dtype(t)).name());
            ArrayNode shape = entry.putArray("shape");
            for (long s : t.sizes().vec().get()) shape.add(s);
            long bytes = t.nbytes();
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = headerBytes(header);
        AtomicFiles.write(file, out -> {
            ByteBuffer prefix = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN);
            prefix.putLong(json.length).put(json).flip();
            writeFully(out, prefix);
            for (Tensor t : contiguous.values()) {
                long bytes = t.nbytes();
                if (bytes == 0) continue;
                BytePointer data = new BytePointer(t.data_ptr()).capacity(bytes);
                for (long done = 0; done < bytes; ) {
                    long chunk = Math.min(bytes - done, 1L << 30);
                    writeFully(out, data.position(done).limit(done + chunk).asByteBuffer());
                    done += chunk;
                }
            }
        });
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

    private record Header(ObjectNode json, long dataStart) {}

    private static Header readHeader(Path file, FileChannel channel) throws IOException {
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
        return new Header((ObjectNode) node, 8 + length);
    }

    private static Tensor readTensor(Path file, FileChannel channel, long dataStart, String name, JsonNode entry)
            throws IOException {
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
        if (begin < 0 || end - begin != bytes || dataStart + end > channel.size()) {
            throw InputException.in(file, "tensor " + name + " has data_offsets [" + begin + ", " + end
                    + "] that do not match its " + bytes + " bytes or the file size");
        }
        TensorOptions options = new TensorOptions(dtype.scalarType);
        if (bytes == 0) return torch.empty(shape, options, new MemoryFormatOptional());
        Tensor tensor = torch.empty(shape, options, new MemoryFormatOptional());
        BytePointer target = new BytePointer(tensor.data_ptr()).capacity(bytes);
        for (long done = 0; done < bytes; ) {
            long chunk = Math.min(bytes - done, 1L << 30);
            readFully(channel, target.position(done).limit(done + chunk).asByteBuffer(), dataStart + begin + done);
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

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) channel.write(buffer);
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
