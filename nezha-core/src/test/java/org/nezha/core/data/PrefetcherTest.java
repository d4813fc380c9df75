package org.nezha.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class PrefetcherTest {
    @Test
    void itemsComeInOrderAndTheWorkerStaysAtMostDepthAhead() throws Exception {
        AtomicInteger made = new AtomicInteger();
        try (Prefetcher<Integer> p = new Prefetcher<>("test", made::getAndIncrement, 2)) {
            for (int i = 0; i < 100; i++) assertEquals(i, p.next());
            Thread.sleep(50);
            // 100 taken, 2 waiting in the queue, 1 made and blocked on put
            assertEquals(103, made.get());
        }
    }

    @Test
    void aFailureReachesTheConsumerAfterTheItemsBeforeItEvenWhenTheQueueIsFull() {
        IllegalArgumentException boom = new IllegalArgumentException("bad line 7");
        AtomicInteger n = new AtomicInteger();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try (Prefetcher<Integer> p = new Prefetcher<>("test", () -> {
                if (n.get() == 3) throw boom;
                return n.getAndIncrement();
            }, 2)) {
                Thread.sleep(100); // the worker fills the queue and holds the third item, then fails
                for (int i = 0; i < 3; i++) assertEquals(i, p.next());
                assertSame(boom, assertThrows(IllegalArgumentException.class, p::next));
            }
        });
    }

    @Test
    void anErrorReachesTheConsumerToo() {
        try (Prefetcher<Integer> p = new Prefetcher<>("test", () -> {
            throw new OutOfMemoryError("test");
        }, 2)) {
            assertThrows(OutOfMemoryError.class, p::next);
        }
    }
}
