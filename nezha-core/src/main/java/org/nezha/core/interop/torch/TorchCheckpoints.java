package org.nezha.core.interop.torch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.function.BiConsumer;

import org.bytedeco.pytorch.Tensor;

import org.nezha.core.InputException;
import org.nezha.core.io.IoErrors;

/**
 * Reads PyTorch checkpoints (zip format, the legacy pre-1.6 format, or a
 * {@code pytorch_model.bin.index.json} of shards) into CPU tensors of their stored dtype under their
 * stored names, without running anything the file contains.
 */
public final class TorchCheckpoints {
    private static final String INDEX_SUFFIX = ".index.json";

    private TorchCheckpoints() {}

    /** Every tensor, in stored order (shards in the order the index first names them). */
    public static LinkedHashMap<String, Tensor> read(Path path) {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        forEach(path, out::put);
        return out;
    }

    /** Hands over each tensor as it is read, holding at most the storages still to be used. */
    public static void forEach(Path path, BiConsumer<String, Tensor> each) {
        if (path.getFileName().toString().endsWith(INDEX_SUFFIX)) {
            ShardIndex index = ShardIndex.read(path);
            index.shards().forEach((shard, names) -> forEachInShard(index.file(), shard, names, each));
        } else {
            try (TorchFile file = open(path)) {
                TensorStream.forEach(file, each);
            }
        }
    }

    private static void forEachInShard(Path index, Path shard, Set<String> names, BiConsumer<String, Tensor> each) {
        Set<String> seen = new HashSet<>();
        forEach(shard, (name, tensor) -> {
            seen.add(name);
            each.accept(name, tensor);
        });
        for (String name : names) {
            if (!seen.contains(name)) throw InputException.in(index, "weight_map puts " + name + " in " + shard.getFileName() + ", which lacks it");
        }
    }

    /** The zip or legacy reader, told apart by the first bytes. */
    static TorchFile open(Path path) {
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(4);
        } catch (IOException e) {
            throw InputException.in(path, "cannot read: " + IoErrors.reason(e));
        }
        if (head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return new ZipCheckpoint(path);
        if (head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) return new LegacyCheckpoint(path);
        throw InputException.in(path, "not a PyTorch checkpoint (neither a zip archive nor a pickle)");
    }
}
