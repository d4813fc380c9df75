package org.nezha.cli;

import java.io.PrintWriter;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import org.nezha.core.pipeline.Progress;

/** Renders a job's phases as progress bars on standard error, information lines above them. */
final class TerminalProgress implements Progress {
    private final PrintWriter err;
    private ProgressBar bar;

    TerminalProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void begin(String task, long total) {
        end();
        bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500).setMaxRenderedLength(110).continuousUpdate()
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
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
            bar.close();
            bar = null;
        }
    }

    @Override
    public void info(String line) {
        err.println(line);
        err.flush();
    }
}
