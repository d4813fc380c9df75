package org.nezha.core.pipeline;

import java.util.function.Function;

import org.nezha.core.data.BatchPosition;
import org.nezha.core.data.EpochBatcher;
import org.nezha.core.data.Prefetcher;

/**
 * A training job's batches, prepared a few ahead on a background thread (see {@link Prefetcher}),
 * that still know where the data stands: {@link #position()} is the batcher's position after the
 * last batch handed out, which a checkpoint saves and {@code --resume} seeks back to.
 */
final class ResumableBatches<B, T> implements AutoCloseable {
    private record Prepared<T>(T batch, BatchPosition after) {}

    private final Prefetcher<Prepared<T>> prefetcher;
    private BatchPosition position;

    /** {@code prepare} turns a batch into what the training thread takes (host tensors); it runs on the background thread. */
    ResumableBatches(String name, EpochBatcher<B> batcher, Function<B, T> prepare, int depth) {
        this.position = batcher.position(); // read before the background thread moves the batcher on
        this.prefetcher = new Prefetcher<>(name, () -> {
            B batch = batcher.next();
            return new Prepared<>(prepare.apply(batch), batcher.position());
        }, depth);
    }

    T next() {
        Prepared<T> p = prefetcher.next();
        position = p.after();
        return p.batch();
    }

    /** Where the batcher stood after the last batch {@link #next} returned: the next batch to train on. */
    BatchPosition position() {
        return position;
    }

    @Override
    public void close() {
        prefetcher.close();
    }
}
