package org.nezha.core.interop.torch;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.MemoryFormat;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;

/**
 * Hands a file's tensors over one at a time: a storage is read when its first wanted tensor comes and
 * kept only until its last one has gone, so memory holds about one storage, not the whole model.
 */
final class TensorStream {
    private TensorStream() {}

    /** Reads the storages of {@code wanted} (a subset of the file's tensors, in file order) and hands each tensor to {@code each}. */
    static void forEach(TorchFile file, List<TorchFile.NamedTensor> wanted, BiConsumer<TorchFile.NamedTensor, Tensor> each) {
        Map<StorageRef, Integer> usesLeft = new HashMap<>();
        for (TorchFile.NamedTensor t : wanted) usesLeft.merge(t.ref().storage(), 1, Integer::sum);
        Map<StorageRef, Tensor> open = new HashMap<>();
        for (TorchFile.NamedTensor t : wanted) {
            StorageRef storage = t.ref().storage();
            Tensor data = open.computeIfAbsent(storage, file::readStorage);
            Tensor tensor = rebuild(data, t.ref());
            // the handed-over tensor keeps what it needs of the storage alive; our handle goes now, not at some later GC
            if (usesLeft.merge(storage, -1, Integer::sum) == 0) open.remove(storage).close();
            each.accept(t, tensor);
        }
    }

    /** The view the pickle describes, made contiguous; copied when it covers only part of the storage so the rest can go. */
    private static Tensor rebuild(Tensor storage, TensorRef ref) {
        Tensor view = storage.as_strided(ref.size(), ref.stride(), new LongOptional(ref.offset()));
        if (!view.is_contiguous()) return replaced(view, view.contiguous());
        return ref.numel() == ref.storage().numel() ? view : replaced(view, view.clone(new MemoryFormatOptional(MemoryFormat.Contiguous)));
    }

    private static Tensor replaced(Tensor view, Tensor copy) {
        view.close();
        return copy;
    }
}
