package org.nezha.core.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Native c10d/Gloo errors (as JavaCPP throws them) become one line naming the rank and the operation. */
class DistributedExceptionTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[/src/gloo/transport/tcp/unbound_buffer.cc:78] Timed out waiting 30000ms for recv operation to complete"
                + "|rank 1: all-reduce timed out after 30 s (a peer died or hung)",
        "[/src/gloo/transport/tcp/pair.cc:547] Connection closed by peer [127.0.0.1]:36482"
                + "|rank 1: all-reduce failed: Connection closed by peer [127.0.0.1]:36482 (a peer died)",
        "Tensors must be contiguous|rank 1: all-reduce failed: Tensors must be contiguous",
    })
    void nativeErrorsBecomeOneLine(String nativeMessage, String expected) {
        RuntimeException e = new RuntimeException(nativeMessage + "\nException raised from run at /src/x.cpp:1 (most recent call first):\nframe #0: ...");
        assertEquals(expected, DistributedException.describe(1, "all-reduce", Duration.ofSeconds(30), "a peer died or hung", e).getMessage());
    }

    @ParameterizedTest
    @CsvSource({"1500, 1500 ms", "30000, 30 s"})
    void timeoutsReadNaturally(long millis, String text) {
        assertEquals(text, DistributedException.seconds(Duration.ofMillis(millis)));
    }
}
