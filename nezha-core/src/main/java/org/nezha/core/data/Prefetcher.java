package org.nezha.core.data;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Supplier;

/**
 * Prepares the next items (batches: masking, padding) on a background thread while the training
 * step computes, keeping at most {@code depth} ready. Items come out in the order the supplier made
 * them; a failure in the supplier is rethrown by {@link #next()}.
 */
public final class Prefetcher<T> implements AutoCloseable {
    private record Slot<T>(T item, Throwable failure) {}

    private final BlockingQueue<Slot<T>> ready;
    private final Thread worker;

    public Prefetcher(String name, Supplier<T> supplier, int depth) {
        this.ready = new ArrayBlockingQueue<>(depth);
        this.worker = Thread.ofPlatform().daemon().name(name).start(() -> {
            try {
                while (true) {
                    Slot<T> slot;
                    try {
                        slot = new Slot<>(supplier.get(), null);
                    } catch (Throwable failure) {
                        ready.put(new Slot<>(null, failure)); // waits for room: the consumer must see it
                        return;
                    }
                    ready.put(slot);
                }
            } catch (InterruptedException stopped) {
                // closed
            }
        });
    }

    /** The next item, waiting for it if the worker is behind. */
    public T next() {
        Slot<T> slot;
        try {
            slot = ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the next batch", e);
        }
        if (slot.failure() instanceof RuntimeException e) throw e;
        if (slot.failure() instanceof Error e) throw e;
        if (slot.failure() != null) throw new IllegalStateException(slot.failure());
        return slot.item();
    }

    /** Stops the worker and waits for it, so that nothing it reads (mapped files) is in use afterwards. */
    @Override
    public void close() {
        worker.interrupt();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
