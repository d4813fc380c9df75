package org.nezha.core.interop;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import org.bytedeco.pytorch.Tensor;

/**
 * An opened checkpoint of any format: its listing (read when opened, without tensor data) and a
 * stream of its tensors, read one at a time so a converter holds about one tensor, not the model.
 */
public interface CheckpointSource extends AutoCloseable {
    /** What the file is, for people: "TensorFlow checkpoint", "PyTorch zip", … */
    String format();

    /** The file (or the TensorFlow prefix, or the shard index) that was opened. */
    Path path();

    /** Whether the names are TensorFlow variable paths ({@code bert/encoder/layer_0/…}) rather than state-dict names. */
    boolean tensorFlowNames();

    /** Every tensor, in the order {@link #read} hands them over. */
    List<StoredTensor> tensors();

    /**
     * Reads the tensors {@code wanted} accepts, in listing order, and hands each (contiguous, on the CPU,
     * of its stored dtype and shape) to {@code each}, which owns it from then on: closing it frees its
     * memory. Tensors not wanted are not read where the format allows skipping them.
     */
    void read(Predicate<StoredTensor> wanted, BiConsumer<StoredTensor, Tensor> each);

    @Override
    void close();
}
