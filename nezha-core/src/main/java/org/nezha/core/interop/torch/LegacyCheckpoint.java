package org.nezha.core.interop.torch;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.Tensor;

import org.nezha.core.InputException;
import org.nezha.core.io.IoErrors;

/**
 * torch's format before 1.6 ({@code _legacy_save}): pickles of the magic number, the protocol
 * version and sys_info, the state dict (persistent ids
 * {@code ('storage', type, root_key, location, numel, view_metadata)}), the sorted list of storage
 * keys, then for each key an int64 element count and the raw bytes. The pickles are read from a
 * mapping of the file; storages are located once and read when a tensor needs them.
 */
final class LegacyCheckpoint implements TorchFile {
    private static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final long PROTOCOL_VERSION = 1001;

    private final Path file;
    private final FileChannel channel;
    private final List<NamedTensor> tensors;
    /** Each storage key's {element count, position of its first byte}. */
    private final Map<String, long[]> storages = new HashMap<>();
    private final Map<String, StorageType> types = new HashMap<>();

    LegacyCheckpoint(Path file) {
        this.file = file;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
        try {
            ByteBuffer in = channel.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(channel.size(), Integer.MAX_VALUE));
            if (!MAGIC.equals(PickleMachine.load(file, in, this::noPersistentIds))) {
                throw InputException.in(file, "not a PyTorch checkpoint (wrong magic number)");
            }
            Object version = PickleMachine.load(file, in, this::noPersistentIds);
            if (!Long.valueOf(PROTOCOL_VERSION).equals(version)) throw InputException.in(file, "unsupported torch protocol version " + version);
            Object sysInfo = PickleMachine.load(file, in, this::noPersistentIds);
            if (sysInfo instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
                throw InputException.in(file, "was saved big-endian; only little-endian is supported");
            }
            tensors = StateDict.tensors(file, PickleMachine.load(file, in, this::storage));
            Object keys = PickleMachine.load(file, in, this::noPersistentIds);
            if (!(keys instanceof List<?> keyList)) throw InputException.in(file, "storage key list is not a list");
            locateStorages(keyList, in.position());
        } catch (IOException e) {
            close();
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private Object noPersistentIds(Object pid) {
        throw InputException.in(file, "unexpected persistent id outside the state dict");
    }

    private StorageRef storage(Object pid) {
        StorageRef root = StateDict.storage(file, pid, 6);
        types.put(root.key(), root.type());
        Object view = ((List<?>) pid).get(5);
        if (view == null) return root;
        // an old storage view: (view_key, element offset, element count) into the root storage
        List<?> v = (List<?>) view;
        long offset = (Long) v.get(1), numel = (Long) v.get(2);
        if (offset < 0 || offset > root.numel() || numel < 0 || numel > root.numel() - offset) {
            throw InputException.in(file, "storage view " + view + " lies outside its storage of " + root.numel() + " elements");
        }
        return new StorageRef(root.key(), root.type(), numel, offset);
    }

    /** Walks the storage headers after the pickles, checking each fits in the file. */
    private void locateStorages(List<?> keys, long position) throws IOException {
        long size = channel.size();
        ByteBuffer count = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        for (Object k : keys) {
            String key = String.valueOf(k);
            StorageType type = types.get(key);
            if (type == null) throw InputException.in(file, "storage " + key + " is listed but no tensor uses it");
            count.clear();
            if (position + 8 > size) throw truncated(key);
            channel.read(count, position);
            long numel = count.flip().getLong();
            long end = position + 8 + Math.multiplyExact(numel, (long) type.elementBytes);
            if (numel < 0 || end > size) throw truncated(key);
            storages.put(key, new long[] {numel, position + 8});
            position = end;
        }
    }

    private InputException truncated(String key) {
        return InputException.in(file, "truncated: storage " + key + " ends past the end of the file");
    }

    @Override
    public Path path() {
        return file;
    }

    @Override
    public String format() {
        return "PyTorch legacy pickle (before torch 1.6)";
    }

    @Override
    public List<NamedTensor> tensors() {
        return tensors;
    }

    @Override
    public Tensor readStorage(StorageRef storage) {
        long[] located = storages.get(storage.key());
        if (located == null) throw InputException.in(file, "storage " + storage.key() + " is missing from the file");
        if (storage.elementOffset() + storage.numel() > located[0]) {
            throw InputException.in(file, "storage " + storage.key() + " holds " + located[0] + " elements, fewer than its tensors need");
        }
        try {
            channel.position(located[1] + storage.elementOffset() * storage.type().elementBytes);
            return StorageBytes.read(channel, storage.type(), storage.numel());
        } catch (IOException e) {
            throw InputException.in(file, "cannot read storage " + storage.key() + ": " + IoErrors.reason(e));
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw InputException.in(file, "cannot close: " + IoErrors.reason(e));
        }
    }
}
