package org.nezha.core.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bytedeco.pytorch.Device;
import org.junit.jupiter.api.Test;

/** Two ranks in two JVMs over Gloo on loopback; and what a rank sees when its peer is missing, dead or hung. */
class TwoProcessGroupTest {
    private static final Pattern FAILURE = Pattern.compile("rank 0 failed after (\\d+) ms: (.*)");

    @Test
    void broadcastMeanAndBucketedGradientsAgreeAcrossRanks() throws Exception {
        for (LocalRanks.Result r : LocalRanks.run(2, "collectives", "20000")) {
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.output().contains("rank " + r.rank() + " ok"), r.toString());
        }
    }

    @Test
    void aDeadPeerFailsTheAllReduceAtOnce() throws Exception {
        LocalRanks.Result rank0 = LocalRanks.run(2, "peer-exits", "5000").get(0);
        Matcher failure = failure(rank0);
        assertTrue(failure.group(2).startsWith("rank 0: all-reduce failed: "), failure.group(2));
        assertTrue(failure.group(2).endsWith("(a peer died)"), failure.group(2));
        assertTrue(Long.parseLong(failure.group(1)) < 4000, "long before the 5 s timeout: " + failure.group());
    }

    @Test
    void aHungPeerTimesTheAllReduceOut() throws Exception {
        LocalRanks.Result rank0 = LocalRanks.run(2, "peer-hangs", "3000").get(0);
        Matcher failure = failure(rank0);
        assertEquals("rank 0: all-reduce timed out after 3 s (a peer died or hung)", failure.group(2));
        long ms = Long.parseLong(failure.group(1));
        assertTrue(ms >= 2900 && ms < 8000, failure.group());
    }

    @Test
    void aMissingPeerFailsTheRendezvous() {
        for (int rank = 0; rank < 2; rank++) {
            DistributedEnvironment env = DistributedEnvironment.from(Map.of("WORLD_SIZE", "2", "RANK", Integer.toString(rank),
                    "MASTER_PORT", Integer.toString(freePort())));
            DistributedException e = assertThrows(DistributedException.class,
                    () -> DataParallelGroup.open(env, new Device("cpu"), Duration.ofSeconds(1)));
            String expected = "rank " + rank + ": rendezvous at 127.0.0.1:" + env.masterPort() + " timed out after 1 s (";
            assertTrue(e.getMessage().startsWith(expected), e.getMessage());
        }
    }

    private static Matcher failure(LocalRanks.Result rank0) {
        assertEquals(0, rank0.exitCode(), rank0.toString());
        return rank0.output().lines().map(FAILURE::matcher).filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new AssertionError("no failure reported: " + rank0));
    }

    private static int freePort() {
        try {
            return LocalRanks.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
