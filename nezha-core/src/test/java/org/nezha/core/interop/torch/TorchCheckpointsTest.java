package org.nezha.core.interop.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.nezha.core.InputException;
import org.nezha.core.io.CheckpointNames;
import org.nezha.core.model.ModelFamily;
import org.nezha.core.tensor.Tensors;

/** Reads the files tests/fixtures-gen/torch/gen.py wrote and compares them with its expected.json. */
class TorchCheckpointsTest {
    private static final Map<String, ScalarType> DTYPES = Map.of("float32", ScalarType.Float, "float16", ScalarType.Half,
            "bfloat16", ScalarType.BFloat16, "float64", ScalarType.Double, "int64", ScalarType.Long, "int32", ScalarType.Int,
            "int8", ScalarType.Char, "uint8", ScalarType.Byte, "bool", ScalarType.Bool);

    static Path fixture(String name) {
        try {
            return Path.of(TorchCheckpointsTest.class.getResource("/torch/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"model_zip.bin", "model_zip_p4.bin", "model_legacy.bin", "sharded/pytorch_model.bin.index.json"})
    void everyTensorMatchesWhatTheGeneratorWrote(String name) throws IOException {
        JsonNode expected = new ObjectMapper().readTree(fixture("expected.json").toFile()).get(name);
        Map<String, Tensor> tensors = TorchCheckpoints.read(fixture(name));
        List<String> expectedNames = new ArrayList<>();
        expected.fieldNames().forEachRemaining(expectedNames::add);
        assertEquals(expectedNames, List.copyOf(tensors.keySet()));
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Tensor t = tensors.get(e.getKey());
            assertEquals(DTYPES.get(e.getValue().get("dtype").asText()), Tensors.dtype(t), e.getKey());
            long[] shape = new ObjectMapper().convertValue(e.getValue().get("shape"), long[].class);
            assertArrayEquals(shape, t.sizes().vec().get(), e.getKey());
            assertTrue(t.is_contiguous(), e.getKey());
            double[] values = new ObjectMapper().convertValue(e.getValue().get("values"), double[].class);
            assertEquals(values.length, t.numel(), e.getKey());
            if (values.length > 0) assertArrayEquals(values, Tensors.toDoubles(t), e.getKey()); // an empty tensor has no data pointer
        }
    }

    @Test
    void int64KeepsEveryBit() {
        Tensor ids = TorchCheckpoints.read(fixture("model_zip.bin")).get("bert.embeddings.position_ids");
        assertArrayEquals(new long[] {0, 1, 2, (1L << 40) + 1, -7}, Tensors.toLongs(ids));
    }

    @Test
    void tiedTensorsShareOneReadOfTheirStorage() {
        Map<String, Tensor> t = TorchCheckpoints.read(fixture("model_zip.bin"));
        assertEquals(t.get("bert.embeddings.word_embeddings.weight").data_ptr().address(),
                t.get("cls.predictions.decoder.weight").data_ptr().address());
    }

    @Test
    void storedNamesMapOntoHfNames() {
        Map<String, Tensor> names = CheckpointNames.canonicalize(TorchCheckpoints.read(fixture("model_legacy.bin")),
                ModelFamily.NEZHA);
        assertTrue(names.containsKey("nezha.embeddings.LayerNorm.weight"));
        assertTrue(names.containsKey("nezha.embeddings.word_embeddings.weight"));
        assertFalse(names.containsKey("nezha.embeddings.position_ids"));
    }

    @Test
    void aPickleReferencingOsSystemIsRefusedBeforeAnythingRuns() {
        Path file = fixture("malicious.bin");
        assertEquals("refusing to load " + file + ": it references os.system", failure(file));
    }

    @Test
    void anUnknownStorageTypeIsNamed() {
        Path file = fixture("unknown_storage.bin");
        assertEquals(file + ": unknown storage type torch.ComplexFloatStorage", failure(file));
    }

    @Test
    void aViewPastItsStorageIsRefused() {
        Path file = fixture("oversized_view.bin");
        assertEquals(file + ": tensor w (offset 0, size [2, 2], stride [2, 1]) reaches past its storage of 3 elements", failure(file));
    }

    @Test
    void aTruncatedZipIsNotReadable(@TempDir Path dir) throws IOException {
        Path file = truncated(dir, "model_zip.bin", 1000);
        assertTrue(failure(file).startsWith(file + ": not a readable zip archive (truncated?)"), failure(file));
    }

    @Test
    void aLegacyFileCutInsideItsPickleOrItsDataIsTruncated(@TempDir Path dir) throws IOException {
        Path inPickle = truncated(dir, "model_legacy.bin", 300);
        assertEquals(inPickle + ": truncated pickle (it ends before its STOP opcode)", failure(inPickle));
        Path inData = truncated(dir, "model_legacy.bin", Files.size(fixture("model_legacy.bin")) - 3);
        assertTrue(failure(inData).startsWith(inData + ": truncated: storage "), failure(inData));
    }

    @Test
    void aStorageMissingFromTheZipIsNamed(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model_zip.bin");
        try (ZipFile in = new ZipFile(fixture("model_zip.bin").toFile());
                OutputStream os = Files.newOutputStream(file);
                ZipOutputStream out = new ZipOutputStream(os)) {
            for (ZipEntry e : in.stream().toList()) {
                if (e.getName().equals("model_zip/data/3")) continue;
                out.putNextEntry(new ZipEntry(e.getName()));
                try (InputStream data = in.getInputStream(e)) {
                    data.transferTo(out);
                }
            }
        }
        assertEquals(file + ": storage model_zip/data/3 is missing from the zip archive", failure(file));
    }

    @Test
    void bytesThatAreNoCheckpointSaySo(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("notes.bin"), "hello, world\n");
        assertEquals(file + ": not a PyTorch checkpoint (neither a zip archive nor a pickle)", failure(file));
        Path pickleOfJunk = Files.write(dir.resolve("junk.bin"), new byte[] {(byte) 0x80, 2, (byte) 0xff, 0});
        assertEquals(pickleOfJunk + ": unsupported pickle opcode 0xff at byte 2", failure(pickleOfJunk));
    }

    @Test
    void aPickleThatContainsItselfIsRefusedNotOverflowed(@TempDir Path dir) throws IOException {
        // {L: None} where L = [L]: hashing L would recurse forever
        byte[] pickle = {(byte) 0x80, 2, '}', ']', 'q', 0, 'h', 0, 'a', 'N', 's', '.'};
        Path file = dir.resolve("loop.bin");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
            out.putNextEntry(new ZipEntry("loop/data.pkl"));
            out.write(pickle);
        }
        assertEquals(file + ": pickle nests too deeply or refers to itself", failure(file));
    }

    @Test
    void aShardMissingBesideItsIndexIsNamed(@TempDir Path dir) throws IOException {
        Path index = dir.resolve("pytorch_model.bin.index.json");
        Files.copy(fixture("sharded/pytorch_model.bin.index.json"), index);
        Files.copy(fixture("sharded/pytorch_model-00001-of-00002.bin"), dir.resolve("pytorch_model-00001-of-00002.bin"));
        assertEquals(index + ": shard pytorch_model-00002-of-00002.bin named in weight_map is missing", failure(index));
    }

    @Test
    void anIndexMayNotPointOutsideItsFolder(@TempDir Path dir) throws IOException {
        Path index = Files.writeString(dir.resolve("pytorch_model.bin.index.json"), "{\"weight_map\": {\"w\": \"../x.bin\"}}");
        assertEquals(index + ": weight_map names shard '../x.bin', which is not a file beside the index", failure(index));
    }

    private static Path truncated(Path dir, String name, long bytes) throws IOException {
        byte[] all = Files.readAllBytes(fixture(name));
        return Files.write(dir.resolve("cut-" + bytes + "-" + name), java.util.Arrays.copyOf(all, (int) bytes));
    }

    private static String failure(Path file) {
        String message = assertThrows(InputException.class, () -> TorchCheckpoints.read(file)).getMessage();
        assertFalse(message.contains("\n"), message);
        return message;
    }
}
