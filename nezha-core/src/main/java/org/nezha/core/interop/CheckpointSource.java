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
public abstract class CheckpointSource implements AutoCloseable {
    private final Path path;
    private final String format;
    private final boolean tensorFlowNames;
    private final List<StoredTensor> tensors;

    protected CheckpointSource(Path path, String format, boolean tensorFlowNames, List<StoredTensor> tensors) {
        this.path = path;
        this.format = format;
        this.tensorFlowNames = tensorFlowNames;
        this.tensors = List.copyOf(tensors);
    }

    /** The file (or the TensorFlow prefix, or the shard index) that was opened. */
    public final Path path() {
        return path;
    }

    /** What the file is, for people: "TensorFlow checkpoint", "PyTorch zip", … */
    public final String format() {
        return format;
    }

    /** Whether the names are TensorFlow variable paths ({@code bert/encoder/layer_0/…}) rather than state-dict names. */
    public final boolean tensorFlowNames() {
        return tensorFlowNames;
    }

    /** Every tensor, in the order {@link #read} hands them over. */
    public final List<StoredTensor> tensors() {
        return tensors;
    }

    /**
     * Reads the tensors {@code wanted} accepts, in listing order, and hands each (contiguous, on the CPU,
     * of its stored dtype and shape) to {@code each}, which owns it from then on: closing it frees its
     * memory. Tensors not wanted are not read where the format allows skipping them.
     */
    public abstract void read(Predicate<StoredTensor> wanted, BiConsumer<StoredTensor, Tensor> each);

    @Override
    public abstract void close();
}
