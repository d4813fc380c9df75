package org.nezha.core.interop.torch;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.MemoryFormat;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;

/**
 * Hands a file's tensors over one at a time: a storage is read when its first tensor comes and kept
 * only until its last one has gone, so memory holds about one storage, not the whole model.
 */
final class TensorStream {
    private TensorStream() {}

    static void forEach(TorchFile file, BiConsumer<String, Tensor> each) {
        Map<StorageRef, Integer> usesLeft = new HashMap<>();
        for (TorchFile.NamedTensor t : file.tensors()) usesLeft.merge(t.ref().storage(), 1, Integer::sum);
        Map<StorageRef, Tensor> open = new HashMap<>();
        for (TorchFile.NamedTensor t : file.tensors()) {
            StorageRef storage = t.ref().storage();
            Tensor data = open.computeIfAbsent(storage, file::readStorage);
            if (usesLeft.merge(storage, -1, Integer::sum) == 0) open.remove(storage);
            each.accept(t.name(), rebuild(data, t.ref()));
        }
    }

    /** The view the pickle describes, made contiguous; copied when it covers only part of the storage so the rest can go. */
    private static Tensor rebuild(Tensor storage, TensorRef ref) {
        Tensor view = storage.as_strided(ref.size(), ref.stride(), new LongOptional(ref.offset()));
        if (!view.is_contiguous()) return view.contiguous();
        return ref.numel() == ref.storage().numel() ? view : view.clone(new MemoryFormatOptional(MemoryFormat.Contiguous));
    }
}
