package org.nezha.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nezha launch}: its own bad options, and children (real nezha JVMs) whose output comes back prefixed. */
class LaunchTest {
    @TempDir Path dir;

    @Test
    void badOptionsEndInOneLine() {
        BadInputTest.assertBadInput(Cli.run("launch", "--nproc-per-node", "0", "--", "eval"), "--nproc-per-node", "at least 1");
        BadInputTest.assertBadInput(Cli.run("launch", "--nproc-per-node", "2", "--nnodes", "2", "--node-rank", "2",
                "--master-addr", "10.0.0.1", "--", "eval"), "--node-rank 2", "--nnodes 2");
        BadInputTest.assertBadInput(Cli.run("launch", "--nproc-per-node", "2", "--master-port", "70000", "--", "eval"),
                "--master-port 70000");
        BadInputTest.assertBadInput(Cli.run("launch", "--nproc-per-node", "2", "--nnodes", "2", "--", "eval"), "--master-addr");
        BadInputTest.assertBadInput(Cli.run("launch", "--nproc-per-node", "2"), "COMMAND");
    }

    @Test
    void failingChildrenFailTheLaunchWithTheirExitCode() {
        Cli r = Cli.run("launch", "--nproc-per-node", "2", "--", "eval", "--model", dir.resolve("no-model").toString(),
                "--data", dir.resolve("no-data.tsv").toString());
        assertEquals(2, r.exitCode(), r.toString());
        List<String> errors = r.err().lines().filter(l -> l.contains("nezha: error:")).toList();
        assertTrue(!errors.isEmpty() && errors.stream().allMatch(l -> l.matches("\\[rank [01]] nezha: error: .*no-model.*")),
                r.toString());
        String summary = r.err().lines().filter(l -> l.startsWith("launch: ")).findFirst().orElse("");
        assertTrue(summary.matches("launch: rank [01] exited with code 2.*"), r.toString());
        // The first to fail printed its error before exiting (the other may have been stopped before it could).
        String failedRank = summary.substring("launch: ".length(), "launch: rank 0".length());
        assertTrue(errors.stream().anyMatch(l -> l.startsWith("[" + failedRank + "]")), r.toString());
    }

    @Test
    void workingChildrenShareTheTerminalWithPrefixes() {
        Cli r = Cli.run("launch", "--nproc-per-node", "2", "--", "bench", "attention", "--seq", "8", "--batch", "1",
                "--heads", "1", "--head-dim", "8", "--repeats", "1", "--warmup", "0", "--backend", "eager");
        assertEquals(0, r.exitCode(), r.toString());
        for (int rank = 0; rank < 2; rank++) {
            String prefix = "[rank " + rank + "] eager";
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(prefix)), r.toString());
        }
        assertTrue(r.out().lines().allMatch(l -> l.matches("\\[rank [01]] .*")), r.out());
        assertEquals("launch: 2 processes finished, all exit 0", r.err().lines().toList().getLast(), r.toString());
    }

    @Test
    void optionsAfterTheCommandBelongToIt() {
        Cli r = Cli.run("launch", "--nproc-per-node", "1", "eval", "--help");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("[rank 0] Usage: nezha eval"), r.toString());
    }
}
