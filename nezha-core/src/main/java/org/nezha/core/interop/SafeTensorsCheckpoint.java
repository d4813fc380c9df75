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
final class SafeTensorsCheckpoint extends CheckpointSource {
    private final Path file;
    private final FileChannel channel;
    private final SafeTensors.Header header;

    private SafeTensorsCheckpoint(Path file, FileChannel channel, SafeTensors.Header header) {
        super(file, "safetensors", false, header.entries().stream()
                .map(e -> StoredTensor.readable(e.name(), e.dtypeName(), e.dtype(), e.shape(), e.end() - e.begin())).toList());
        this.file = file;
        this.channel = channel;
        this.header = header;
    }

    static SafeTensorsCheckpoint open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
        try {
            return new SafeTensorsCheckpoint(file, channel, SafeTensors.readHeader(file, channel));
        } catch (IOException e) {
            closeQuietly(channel);
            throw InputException.in(file, "cannot read safetensors: " + IoErrors.reason(e));
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    @Override
    public void read(Predicate<StoredTensor> wanted, BiConsumer<StoredTensor, Tensor> each) {
        List<StoredTensor> tensors = tensors();
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
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only: nothing is lost when a close fails
        }
    }
}
