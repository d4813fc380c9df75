package org.nezha.core.interop.torch;

import java.nio.file.Path;
import java.util.List;

import org.bytedeco.pytorch.Tensor;

/** One opened checkpoint file: its pickle already read, its storages read on demand. */
interface TorchFile extends AutoCloseable {
    Path path();

    /** The format, for people ("PyTorch zip"). */
    String format();

    /** The state dict's tensors in stored order, as views of storages not read yet. */
    List<NamedTensor> tensors();

    /** The storage's {@code numel} elements as a 1-D CPU tensor of its dtype. */
    Tensor readStorage(StorageRef storage);

    @Override
    void close();

    record NamedTensor(String name, TensorRef ref) {}
}
