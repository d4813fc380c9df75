package org.nezha.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.InputException;
import org.nezha.core.tensor.Tensors;

class SafeTensorsTest {
    /** The raw bytes of a tensor, to compare bit for bit (NaN payloads, signed zeros and all). */
    static byte[] bytes(Tensor t) {
        Tensor c = t.contiguous();
        byte[] out = new byte[(int) c.nbytes()];
        if (out.length == 0) return out;
        new org.bytedeco.javacpp.BytePointer(c.data_ptr()).capacity(out.length).get(out);
        return out;
    }

    @Test
    void roundTripIsBitExactInEveryDtype(@TempDir Path dir) throws Exception {
        torch.manual_seed(3);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Tensor f32 = torch.randn(7, 13);
        f32.select(0, 0).select(0, 0).fill_(Tensors.scalar(Double.NaN));
        f32.select(0, 0).select(0, 1).fill_(Tensors.scalar(-0.0));
        tensors.put("nezha.embeddings.word_embeddings.weight", f32);
        tensors.put("f64", torch.randn(3, 5, 2).to(ScalarType.Double));
        tensors.put("f16", torch.randn(11).to(ScalarType.Half));
        tensors.put("bf16", torch.randn(4, 3).to(ScalarType.BFloat16));
        tensors.put("i64", torch.randint(-1000, 1000, new long[] {9}));
        tensors.put("i32", torch.randint(-1000, 1000, new long[] {2, 2}).to(ScalarType.Int));
        tensors.put("i8", torch.randint(-100, 100, new long[] {5}).to(ScalarType.Char));
        tensors.put("u8", torch.randint(0, 255, new long[] {3}).to(ScalarType.Byte));
        tensors.put("bool", torch.randn(6).gt(Tensors.scalar(0)));
        tensors.put("scalar", torch.randn(1).reshape());
        tensors.put("empty", torch.zeros(0, 4));
        tensors.put("transposed_view", torch.randn(5, 3).t());
        Path file = dir.resolve("model.safetensors");
        SafeTensors.write(file, tensors, Map.of("format", "pt"));

        Map<String, Tensor> back = SafeTensors.read(file);
        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(back.keySet()));
        for (String name : tensors.keySet()) {
            Tensor want = tensors.get(name), got = back.get(name);
            assertEquals(Tensors.dtype(want), Tensors.dtype(got), name);
            assertArrayEquals(want.sizes().vec().get(), got.sizes().vec().get(), name);
            assertArrayEquals(bytes(want), bytes(got), name);
        }
        assertEquals(Map.of("format", "pt"), SafeTensors.readMetadata(file));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left");
        }
    }

    @Test
    void headerFollowsTheFormat(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("x.safetensors");
        SafeTensors.write(file, Map.of("a", torch.ones(2, 3)), Map.of());
        byte[] raw = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(raw, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "data stays 8-byte aligned");
        String header = new String(raw, 8, (int) headerLength, StandardCharsets.UTF_8).strip();
        assertEquals("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}", header);
        assertEquals(8 + headerLength + 24, raw.length);
    }

    @Test
    void truncatedOrCorruptFilesAreReportedByName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.safetensors");
        SafeTensors.write(file, Map.of("a", torch.ones(100)), Map.of());
        byte[] raw = Files.readAllBytes(file);
        Path truncated = Files.write(dir.resolve("truncated.safetensors"), java.util.Arrays.copyOf(raw, raw.length - 10));
        InputException e = assertThrows(InputException.class, () -> SafeTensors.read(truncated));
        assertTrue(e.getMessage().startsWith(truncated + ": tensor a has data_offsets"), e.getMessage());
        Path garbage = Files.writeString(dir.resolve("garbage.safetensors"), "this is not a model at all");
        e = assertThrows(InputException.class, () -> SafeTensors.read(garbage));
        assertTrue(e.getMessage().startsWith(garbage + ": not a safetensors file"), e.getMessage());
    }
}
