package org.nezha.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The child processes of one launch: started with their own environment, their output copied to ours
 * with a "[rank K] " prefix, and stopped together — when one fails the others are asked to stop and,
 * after a grace period, killed.
 */
final class WorkerProcesses {
    /** One child and its rank. */
    record Worker(int rank, Process process) {}

    /** How the launch ended: the first failed worker (null if none) and how many others it stopped. */
    record Outcome(int processes, Worker firstFailure, int stopped) {
        int exitCode() {
            return firstFailure == null ? 0 : firstFailure.process().exitValue();
        }
    }

    private final PrefixedOutput out;
    private final PrefixedOutput err;
    private final Duration grace;
    private final List<Worker> workers = new ArrayList<>();
    private final List<Thread> copies = new ArrayList<>();
    private final BlockingQueue<Worker> exited = new LinkedBlockingQueue<>();

    WorkerProcesses(PrintWriter out, PrintWriter err, Duration grace) {
        this.out = new PrefixedOutput(out);
        this.err = new PrefixedOutput(err);
        this.grace = grace;
    }

    /** Starts {@code command} as rank {@code rank}, with {@code environment} added to ours and no standard input. */
    synchronized void start(int rank, List<String> command, Map<String, String> environment) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.getFirst(), e);
        }
        Worker worker = new Worker(rank, process);
        workers.add(worker);
        String prefix = "[rank " + rank + "] ";
        copies.add(Thread.ofPlatform().name(prefix + "stdout").start(new PrefixedCopy(process.getInputStream(), prefix, out)));
        copies.add(Thread.ofPlatform().name(prefix + "stderr").start(new PrefixedCopy(process.getErrorStream(), prefix, err)));
        process.onExit().thenRun(() -> exited.add(worker));
    }

    /** Waits until every worker has exited; the first to fail makes the others stop. */
    Outcome await() throws InterruptedException {
        Worker firstFailure = null;
        int stopped = 0;
        boolean inGrace = false;
        long killAt = 0;
        for (int running = workers.size(); running > 0; ) {
            Worker w = inGrace ? exited.poll(killAt - System.nanoTime(), TimeUnit.NANOSECONDS) : exited.take();
            if (w == null) { // the grace period is over
                alive().forEach(Process::destroyForcibly);
                inGrace = false;
                continue;
            }
            running--;
            if (firstFailure == null && w.process().exitValue() != 0) {
                firstFailure = w;
                stopped = alive().size();
                alive().forEach(Process::destroy);
                inGrace = true;
                killAt = System.nanoTime() + grace.toNanos();
            }
        }
        for (Thread copy : copies) copy.join();
        return new Outcome(workers.size(), firstFailure, stopped);
    }

    /** Asks every running worker to stop and kills those still running after the grace period (for Ctrl-C). */
    void stopAll() {
        List<Process> running = alive();
        running.forEach(Process::destroy);
        for (Process p : running) {
            try {
                if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) p.destroyForcibly();
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
    }

    private synchronized List<Process> alive() {
        return workers.stream().map(Worker::process).filter(Process::isAlive).toList();
    }
}
