package org.nezha.core.interop.torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.nezha.core.InputException;

/** The tensors of an unpickled state dict (non-tensor entries, such as a step counter, are skipped). */
final class StateDict {
    private StateDict() {}

    static List<TorchFile.NamedTensor> tensors(Path file, Object root) {
        if (!(root instanceof Map<?, ?> map)) {
            throw InputException.in(file, "holds a pickled " + (root == null ? "None" : root.getClass().getSimpleName())
                    + ", not a state dict");
        }
        List<TorchFile.NamedTensor> out = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getValue() instanceof TensorRef ref) {
                if (!(e.getKey() instanceof String name)) throw InputException.in(file, "state dict has a tensor under a non-string key");
                ref.checkFits(file, name);
                out.add(new TorchFile.NamedTensor(name, ref));
            }
        }
        return out;
    }

    /** A persistent id's fields after the 'storage' tag, checked. */
    static StorageRef storage(Path file, Object pid, int fields) {
        if (!(pid instanceof List<?> id) || id.size() != fields || !"storage".equals(id.get(0))) {
            throw InputException.in(file, "unexpected persistent id " + pid + " (expected a 'storage' tuple)");
        }
        if (!(id.get(1) instanceof StorageType type)) {
            throw InputException.in(file, "persistent id names " + id.get(1) + ", not a torch storage type");
        }
        // bounded so byte counts cannot overflow; a real count is checked against the file when read
        if (!(id.get(4) instanceof Long numel) || numel < 0 || numel > Long.MAX_VALUE / 16) throw InputException.in(file, "persistent id has a bad element count");
        return new StorageRef(String.valueOf(id.get(2)), type, numel, 0);
    }
}
