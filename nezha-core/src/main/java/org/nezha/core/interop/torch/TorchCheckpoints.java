package org.nezha.core.interop.torch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import org.bytedeco.pytorch.Tensor;

import org.nezha.core.InputException;
import org.nezha.core.interop.CheckpointSource;
import org.nezha.core.interop.StoredTensor;
import org.nezha.core.io.IoErrors;

/**
 * PyTorch checkpoints (zip format, the legacy pre-1.6 format, or a {@code pytorch_model.bin.index.json}
 * of shards) as a {@link CheckpointSource}: CPU tensors of their stored dtype under their stored
 * names, read without running anything the file contains.
 */
public final class TorchCheckpoints extends CheckpointSource {
    public static final String INDEX_SUFFIX = ".index.json";

    private final List<TorchFile> files;

    private TorchCheckpoints(Path path, String format, List<TorchFile> files) {
        super(path, format, false, files.stream().flatMap(f -> f.tensors().stream()).map(TorchCheckpoints::stored).toList());
        this.files = files;
    }

    /** Opens a checkpoint file or shard index, reading its pickles (not its storages). */
    public static TorchCheckpoints open(Path path) {
        if (!path.getFileName().toString().endsWith(INDEX_SUFFIX)) {
            TorchFile file = openFile(path);
            return new TorchCheckpoints(path, file.format(), List.of(file));
        }
        ShardIndex index = ShardIndex.read(path);
        List<TorchFile> shards = new ArrayList<>();
        try {
            index.shards().forEach((shard, names) -> shards.add(requireNames(index.file(), openFile(shard), names)));
        } catch (RuntimeException e) {
            shards.forEach(TorchFile::close);
            throw e;
        }
        return new TorchCheckpoints(path, "PyTorch, " + shards.size() + " shards", shards);
    }

    /** Every tensor, in stored order (shards in the order the index first names them). */
    public static LinkedHashMap<String, Tensor> read(Path path) {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        try (TorchCheckpoints checkpoint = open(path)) {
            checkpoint.read(t -> true, (t, tensor) -> out.put(t.name(), tensor));
        }
        return out;
    }

    private static TorchFile requireNames(Path index, TorchFile shard, Set<String> names) {
        Set<String> present = new HashSet<>();
        for (TorchFile.NamedTensor t : shard.tensors()) present.add(t.name());
        for (String name : names) {
            if (!present.contains(name)) {
                shard.close();
                throw InputException.in(index, "weight_map puts " + name + " in " + shard.path().getFileName() + ", which lacks it");
            }
        }
        return shard;
    }

    private static StoredTensor stored(TorchFile.NamedTensor t) {
        StorageType type = t.ref().storage().type();
        return StoredTensor.readable(t.name(), type.torchName, type.dtype, t.ref().size(), t.ref().numel() * type.elementBytes);
    }





    @Override
    public void read(Predicate<StoredTensor> wanted, BiConsumer<StoredTensor, Tensor> each) {
        List<StoredTensor> tensors = tensors();
        int next = 0;
        for (TorchFile file : files) {
            Map<TorchFile.NamedTensor, StoredTensor> chosen = new LinkedHashMap<>();
            for (TorchFile.NamedTensor t : file.tensors()) {
                StoredTensor s = tensors.get(next++);
                if (wanted.test(s)) chosen.put(t, s);
            }
            TensorStream.forEach(file, List.copyOf(chosen.keySet()), (t, tensor) -> each.accept(chosen.get(t), tensor));
        }
    }

    @Override
    public void close() {
        files.forEach(TorchFile::close);
    }

    /** The zip or legacy reader, told apart by the first bytes. */
    static TorchFile openFile(Path path) {
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(4);
        } catch (IOException e) {
            throw InputException.in(path, "cannot read: " + IoErrors.reason(e));
        }
        if (isZip(head)) return new ZipCheckpoint(path);
        if (isPickle(head)) return new LegacyCheckpoint(path);
        throw InputException.in(path, "not a PyTorch checkpoint (neither a zip archive nor a pickle)");
    }

    /** Whether the first bytes are a zip archive's (torch's format since 1.6) or a pickle's (before). */
    public static boolean looksLikeCheckpoint(byte[] head) {
        return isZip(head) || isPickle(head);
    }

    /** A pickle of protocol 2 to 5 starts with PROTO and the protocol number. */
    private static boolean isPickle(byte[] head) {
        return head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5;
    }

    private static boolean isZip(byte[] head) {
        return head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    }
}
