package org.nezha.core.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** Two ranks in two JVMs over Gloo on loopback; and what a rank sees when its peer is missing, dead or hung. */
class TwoProcessGroupTest {
    private static final Pattern FAILURE = Pattern.compile("rank (\\d) failed after (\\d+) ms: (.*)");

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
        assertTrue(failure.group(3).startsWith("rank 0: all-reduce failed: "), failure.group(3));
        assertTrue(failure.group(3).endsWith("(a peer died)"), failure.group(3));
        assertTrue(Long.parseLong(failure.group(2)) < 4000, "long before the 5 s timeout: " + failure.group());
    }

    @Test
    void aHungPeerTimesTheAllReduceOut() throws Exception {
        LocalRanks.Result rank0 = LocalRanks.run(2, "peer-hangs", "3000").get(0);
        Matcher failure = failure(rank0);
        assertEquals("rank 0: all-reduce timed out after 3 s (a peer died or hung)", failure.group(3));
        long ms = Long.parseLong(failure.group(2));
        assertTrue(ms >= 2900 && ms < 8000, failure.group());
    }

    /** In processes of their own: libtorch prints a waiting client's connection retries, with stack traces, to stderr. */
    @Test
    void aMissingPeerFailsTheRendezvous() throws Exception {
        for (LocalRanks.Result alone : LocalRanks.runApart(2, "alone", "1000")) {
            Matcher failure = failure(alone);
            assertEquals(alone.rank(), Integer.parseInt(failure.group(1)), alone.toString());
            String expected = "rank " + alone.rank() + ": rendezvous at 127\\.0\\.0\\.1:\\d+ timed out after 1 s \\(.*";
            assertTrue(failure.group(3).matches(expected), failure.group(3));
        }
    }

    private static Matcher failure(LocalRanks.Result result) {
        assertEquals(0, result.exitCode(), result.toString());
        return result.output().lines().map(FAILURE::matcher).filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new AssertionError("no failure reported: " + result));
    }
}
