package org.nezha.core.interop;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import org.bytedeco.pytorch.Tensor;

import org.nezha.core.InputException;
import org.nezha.core.io.IoErrors;
import org.nezha.core.io.SafeTensors;

/** A safetensors file (an HF model directory's weights) as a {@link CheckpointSource}. */
final class SafeTensorsCheckpoint implements CheckpointSource {
    private final Path file;
    private final FileChannel channel;
    private final SafeTensors.Header header;
    private final List<StoredTensor> tensors;

    SafeTensorsCheckpoint(Path file) {
        this.file = file;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
        try {
            header = SafeTensors.readHeader(file, channel);
        } catch (IOException e) {
            close();
            throw InputException.in(file, "cannot read safetensors: " + IoErrors.reason(e));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        tensors = header.entries().stream()
                .map(e -> StoredTensor.readable(e.name(), e.dtypeName(), e.dtype(), e.shape(), e.end() - e.begin())).toList();
    }

    @Override
    public String format() {
        return "safetensors";
    }

    @Override
    public Path path() {
        return file;
    }

    @Override
    public boolean tensorFlowNames() {
        return false;
    }

    @Override
    public List<StoredTensor> tensors() {
        return tensors;
    }

    @Override
    public void read(Predicate<StoredTensor> wanted, BiConsumer<StoredTensor, Tensor> each) {
        for (int i = 0; i < tensors.size(); i++) {
            if (!wanted.test(tensors.get(i))) continue;
            Tensor t;
            try {
                t = SafeTensors.readTensor(file, channel, header, header.entries().get(i));
            } catch (IOException e) {
                throw InputException.in(file, "cannot read safetensors: " + IoErrors.reason(e));
            }
            each.accept(tensors.get(i), t);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only: nothing is lost when a close fails
        }
    }
}
