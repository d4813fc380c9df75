package org.nezha.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import org.nezha.core.pipeline.Progress;

/**
 * A job's progress on standard error: a live bar on a terminal, with information lines printed
 * above it (never glued to it); elsewhere (a log file, a pipe, {@code nezha launch}'s children) one
 * plain line every few seconds and one when a phase ends, never carriage-return redraws.
 */
abstract sealed class ConsoleProgress implements Progress, AutoCloseable {
    /** How often a log gets a progress line. */
    static final Duration LINE_INTERVAL = Duration.ofSeconds(5);

    static ConsoleProgress on(PrintWriter err) {
        return err instanceof Terminal.TerminalWriter terminal ? new Bars(terminal) : new Lines(err, LINE_INTERVAL);
    }

    /** Ends the current phase: a command that fails must not print its error onto a bar's line. */
    @Override
    public void close() {
        end();
    }

    /** Bars redrawn in place; the drawing thread and information lines share one lock. */
    static final class Bars extends ConsoleProgress {
        private final Terminal.TerminalWriter err;
        private final Object lock = new Object();
        private ProgressBar bar;
        private String drawn = "";

        Bars(Terminal.TerminalWriter err) {
            this.err = err;
        }

        @Override
        public void begin(String task, long total) {
            end();
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(500).continuousUpdate().setConsumer(new ConsoleProgressBarConsumer(err.stream) {
                        @Override
                        public void accept(String rendered) {
                            synchronized (lock) {
                                drawn = rendered;
                                super.accept(rendered);
                            }
                        }
                    }).build();
        }

        @Override
        public void advance(long done, String status) {
            if (bar == null) return;
            bar.stepTo(done);
            bar.setExtraMessage(status);
        }

        @Override
        public void end() {
            if (bar != null) {
                bar.close(); // draws the final state and ends the line
                bar = null;
                drawn = "";
            }
        }

        @Override
        public void info(String line) {
            synchronized (lock) {
                boolean under = bar != null && !drawn.isEmpty();
                if (under) err.print("\r\033[K"); // clear the bar's line, print above it, draw the bar again
                err.println(line);
                if (under) err.print("\r" + drawn);
                err.flush();
            }
        }
    }

    /** Plain lines at most every {@code interval}, plus one at each phase's end. */
    static final class Lines extends ConsoleProgress {
        private final PrintWriter err;
        private final long intervalNanos;
        private String task;
        private long total, done, started, lastLine;
        /** Where the phase stood at its first report (a resumed run starts midway): the rate counts from there. */
        private long firstDone, firstDoneAt;
        private String status = "";

        Lines(PrintWriter err, Duration interval) {
            this.err = err;
            this.intervalNanos = interval.toNanos();
        }

        @Override
        public void begin(String task, long total) {
            end();
            this.task = task;
            this.total = total;
            this.done = 0;
            this.firstDone = -1;
            this.status = "";
            this.started = this.lastLine = System.nanoTime();
        }

        @Override
        public void advance(long done, String status) {
            if (task == null) return;
            long now = System.nanoTime();
            if (firstDone < 0) {
                firstDone = done;
                firstDoneAt = now;
            }
            this.done = done;
            this.status = status;
            if (now - lastLine >= intervalNanos) {
                lastLine = now;
                print(now, false);
            }
        }

        @Override
        public void end() {
            if (task == null) return;
            print(System.nanoTime(), true);
            task = null;
        }

        @Override
        public void info(String line) {
            err.println(line);
            err.flush();
        }

        private void print(long now, boolean finished) {
            double elapsed = (now - started) / 1e9;
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s %,d/%,d (%.0f%%) %s", task, done, total,
                    total == 0 ? 100.0 : 100.0 * done / total, Summary.duration(elapsed)));
            if (!finished && done > firstDone && done < total) {
                double perUnit = (now - firstDoneAt) / 1e9 / (done - firstDone);
                line.append(", about ").append(Summary.duration(perUnit * (total - done))).append(" left");
            }
            if (finished) line.append(done >= total ? ", done" : ", stopped");
            if (status != null && !status.isEmpty()) line.append(", ").append(status);
            err.println(line);
            err.flush();
        }
    }
}
