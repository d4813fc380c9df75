package org.nezha.core.distributed;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a worker class (e.g. {@link GroupWorker}) as separate JVMs on this machine, one per rank, as {@code nezha launch} would. */
final class LocalRanks {
    private LocalRanks() {}

    /** One rank's exit code and combined output. */
    record Result(int rank, int exitCode, String output) {}

    /** Starts {@code world} ranks running {@code GroupWorker ARGS} and waits for all of them (at most a minute). */
    static List<Result> run(int world, String... args) throws IOException, InterruptedException {
        return run(world, GroupWorker.class, args);
    }

    /** Starts {@code world} ranks running {@code main ARGS} and waits for all of them (at most a minute). */
    static List<Result> run(int world, Class<?> main, String... args) throws IOException, InterruptedException {
        return run(world, false, main, args);
    }

    /** Starts the {@code world} ranks running {@code GroupWorker ARGS}, each at a rendezvous of its own: none meets its peers. */
    static List<Result> runApart(int world, String... args) throws IOException, InterruptedException {
        return run(world, true, GroupWorker.class, args);
    }

    /** Output goes to a file per rank, read into its Result: a rank's errors show in the failing test's message, not the build log. */
    private static List<Result> run(int world, boolean apart, Class<?> main, String... args)
            throws IOException, InterruptedException {
        int port = freePort();
        List<Process> processes = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        try {
            for (int rank = 0; rank < world; rank++) {
                Path log = Files.createTempFile("rank" + rank + "-", ".log");
                logs.add(log);
                ProcessBuilder builder = new ProcessBuilder(command(main, args)).redirectErrorStream(true).redirectOutput(log.toFile());
                builder.environment().putAll(Map.of("MASTER_ADDR", "127.0.0.1", "WORLD_SIZE", Integer.toString(world),
                        "RANK", Integer.toString(rank), "MASTER_PORT", Integer.toString(apart ? freePort() : port)));
                processes.add(builder.start());
            }
            List<Result> results = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            for (int rank = 0; rank < world; rank++) {
                Process p = processes.get(rank);
                boolean done = p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                results.add(new Result(rank, done ? p.exitValue() : -1, Files.readString(logs.get(rank))));
            }
            return results;
        } finally {
            processes.forEach(Process::destroyForcibly);
            for (Path log : logs) Files.deleteIfExists(log);
        }
    }

    /** The same java, JVM options and class path as this test JVM. */
    private static List<String> command(Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
