package org.nezha.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Supervision of child processes, with shell commands standing in for nezha ranks. */
class WorkerProcessesTest {
    private final StringWriter out = new StringWriter(), err = new StringWriter();
    private final WorkerProcesses workers = new WorkerProcesses(new PrintWriter(out), new PrintWriter(err), Duration.ofSeconds(1));

    private void start(int rank, String script) {
        workers.start(rank, List.of("sh", "-c", script), Map.of("RANK", Integer.toString(rank)));
    }

    @Test
    void outputIsPrefixedAndEnvironmentPassed() throws Exception {
        start(0, "echo out $RANK; echo err $RANK >&2");
        start(1, "echo out $RANK; echo err $RANK >&2");
        WorkerProcesses.Outcome outcome = workers.await();
        assertNull(outcome.firstFailure());
        assertEquals(0, outcome.exitCode());
        for (int rank = 0; rank < 2; rank++) {
            assertTrue(out.toString().contains("[rank " + rank + "] out " + rank), out.toString());
            assertTrue(err.toString().contains("[rank " + rank + "] err " + rank), err.toString());
        }
    }

    @Test
    void theFirstFailureStopsTheOthers() throws Exception {
        long start = System.nanoTime();
        start(0, "exec sleep 30");
        start(1, "echo bad input >&2; exit 3");
        start(2, "trap '' TERM; while :; do sleep 0.1; done"); // ignores the polite stop: killed after the grace period
        WorkerProcesses.Outcome outcome = workers.await();
        assertEquals(1, outcome.firstFailure().rank());
        assertEquals(3, outcome.exitCode());
        assertEquals(2, outcome.stopped());
        assertTrue(err.toString().contains("[rank 1] bad input"), err.toString());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "not waiting for sleep 30");
    }
}
