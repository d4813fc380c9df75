package org.nezha.core.interop.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.InputException;
import org.nezha.core.tensor.Tensors;

/** The bundles tests/fixtures-gen/tf/gen.py wrote, with the values it expects (expected.json). */
class TfCheckpointTest {
    private static final Path TF = Path.of("src/test/resources/tf");
    private static final String SHARD = ".data-00000-of-00001";

    private static JsonNode expected(String bundle) throws IOException {
        return new ObjectMapper().readTree(TF.resolve("expected.json").toFile()).get(bundle);
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asLong();
        return out;
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = array.get(i);
            out[i] = v.isBoolean() ? (v.asBoolean() ? 1 : 0) : v.asDouble();
        }
        return out;
    }

    private static double[] values(Tensor t) {
        return Tensors.toDoubles(t.to(ScalarType.Double).contiguous().reshape(-1));
    }

    @Test
    void tinyBertRoundTripsWithKernelsTransposedAndSlotsDropped() throws Exception {
        JsonNode expected = expected("tiny_bert");
        Map<String, Tensor> read = new LinkedHashMap<>();
        Map<String, Integer> dropped = new TreeMap<>();
        long keptBytes = 0, droppedBytes = 0;
        try (TensorBundle bundle = TensorBundle.open(TF.resolve("tiny_bert/model.ckpt"))) {
            for (BundleEntry e : bundle.entries()) {
                TfNames.Mapping m = TfNames.map(e.name());
                if (!m.kept()) {
                    dropped.merge(m.dropReason(), 1, Integer::sum);
                    droppedBytes += e.size();
                    continue;
                }
                Tensor t = bundle.read(e);
                read.put(m.hfName(), m.transpose() ? t.t().contiguous() : t);
                keptBytes += e.size();
            }
        }

        JsonNode tensors = expected.get("tensors");
        assertEquals(tensors.size(), read.size());
        for (Iterator<Map.Entry<String, JsonNode>> it = tensors.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Tensor t = read.get(e.getKey());
            assertTrue(t != null, "missing " + e.getKey());
            assertEquals(ScalarType.Float, Tensors.dtype(t), e.getKey());
            assertArrayEquals(longs(e.getValue().get("shape")), t.sizes().vec().get(), e.getKey());
            assertArrayEquals(doubles(e.getValue().get("values")), values(t), e.getKey());
        }
        assertEquals(Map.of(TfNames.OPTIMIZER_SLOT, expected.get("dropped").get("optimizer slot").asInt(),
                TfNames.TRAINING_STEP, 1), dropped);
        assertEquals(expected.get("keptBytes").asLong(), keptBytes);
        // Adam keeps two slots per variable: the model is about a third of the checkpoint
        double share = (double) keptBytes / (keptBytes + droppedBytes);
        assertEquals(1.0 / 3, share, 0.01);
    }

    @Test
    void readsEveryDtypeAcrossTwoShards() throws Exception {
        JsonNode tensors = expected("dtypes").get("tensors");
        try (TensorBundle bundle = TensorBundle.open(TF.resolve("dtypes/model.ckpt.index"))) {
            assertEquals(tensors.size(), bundle.entries().size());
            assertEquals(2, bundle.entries().stream().mapToInt(BundleEntry::shard).distinct().count());
            for (BundleEntry e : bundle.entries()) {
                JsonNode want = tensors.get(e.name());
                assertEquals(want.get("dtype").asText(), e.dtypeName());
                Tensor t = bundle.read(e);
                assertEquals(e.dtype().scalarType, Tensors.dtype(t), e.name());
                assertArrayEquals(longs(want.get("shape")), t.sizes().vec().get(), e.name());
                assertArrayEquals(doubles(want.get("values")), values(t), e.name());
            }
        }
    }

    /** Copies a fixture bundle into {@code dir}, lets {@code damage} change it, and returns its prefix. */
    private static Path copy(String bundle, Path dir, Consumer<Path> damage) throws IOException {
        try (var files = Files.list(TF.resolve(bundle))) {
            for (Path f : files.toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
        Path prefix = dir.resolve("model.ckpt");
        damage.accept(prefix);
        return prefix;
    }

    private static void edit(Path file, Consumer<byte[]> change, int length) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            change.accept(bytes);
            Files.write(file, Arrays.copyOf(bytes, length < 0 ? bytes.length : length));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertRefused(Path prefix, Path namedFile, String problem) {
        InputException e = assertThrows(InputException.class, () -> {
            try (TensorBundle bundle = TensorBundle.open(prefix)) {
                bundle.read(t -> true, (t, tensor) -> {});
            }
        });
        assertTrue(e.getMessage().startsWith(namedFile + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'), "one line");
    }

    @Test
    void truncatedIndexIsRefused(@TempDir Path dir) throws Exception {
        Path prefix = copy("tiny_bert", dir, p -> edit(Path.of(p + ".index"), b -> {}, 1000));
        assertRefused(prefix, Path.of(prefix + ".index"), "truncated");
    }

    @Test
    void indexBlockFailingItsCrcIsRefused(@TempDir Path dir) throws Exception {
        Path prefix = copy("tiny_bert", dir, p -> edit(Path.of(p + ".index"), b -> b[10] ^= 1, -1));
        assertRefused(prefix, Path.of(prefix + ".index"), "fails its crc32c check");
    }

    @Test
    void dataFailingItsCrcIsRefused(@TempDir Path dir) throws Exception {
        Path prefix = copy("tiny_bert", dir, p -> edit(Path.of(p + SHARD), b -> b[0] ^= 1, -1)); // the first tensor (a kept one)
        assertRefused(prefix, Path.of(prefix + SHARD), "fails its crc32c check");
    }

    @Test
    void missingDataShardIsRefused(@TempDir Path dir) throws Exception {
        Path prefix = copy("tiny_bert", dir, p -> {
            try {
                Files.delete(Path.of(p + SHARD));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertRefused(prefix, Path.of(prefix + SHARD), "no such file");
    }

    @Test
    void unknownDtypeIsRefusedByName(@TempDir Path dir) throws Exception {
        Path prefix = copy("unknown_dtype", dir, p -> {});
        assertRefused(prefix, Path.of(prefix + ".index"), "dtype 99");
    }

    @Test
    void snappyBlocksAreRefused(@TempDir Path dir) throws Exception {
        Path prefix = copy("snappy", dir, p -> {});
        assertRefused(prefix, Path.of(prefix + ".index"), "snappy-compressed, not supported");
    }

    @Test
    void missingIndexIsRefused(@TempDir Path dir) {
        Path prefix = dir.resolve("model.ckpt");
        assertRefused(prefix, Path.of(prefix + ".index"), "no such file");
    }
}
