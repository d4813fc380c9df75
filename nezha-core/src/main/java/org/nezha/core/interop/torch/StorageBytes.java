package org.nezha.core.interop.torch;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Reads a storage's raw little-endian bytes straight into a new tensor's native memory: one copy,
 * the least possible for a tensor libtorch owns (a mapped file could not be freed with it).
 */
final class StorageBytes {
    private static final long CHUNK = 1L << 30;

    private StorageBytes() {}

    /** Reads exactly {@code numel} elements; an early end of input is an IOException. */
    static Tensor read(ReadableByteChannel in, StorageType type, long numel) throws IOException {
        Tensor tensor = torch.empty(new long[] {numel}, new TensorOptions(type.dtype), new MemoryFormatOptional());
        long bytes = Math.multiplyExact(numel, (long) type.elementBytes);
        if (bytes == 0) return tensor;
        BytePointer target = new BytePointer(tensor.data_ptr()).capacity(bytes);
        for (long done = 0; done < bytes; ) {
            long chunk = Math.min(bytes - done, CHUNK);
            var buffer = target.position(done).limit(done + chunk).asByteBuffer();
            while (buffer.hasRemaining()) {
                if (in.read(buffer) < 0) throw new IOException("its data ends " + (bytes - done - buffer.position()) + " bytes early");
            }
            done += chunk;
        }
        return tensor;
    }
}
