package org.nezha.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
    /** Into a log: whole lines, none redrawn, the phase's end always written, information on its own lines. */
    @Test
    void aLogGetsPlainLines() {
        StringWriter log = new StringWriter();
        ConsoleProgress progress = new ConsoleProgress.Lines(new PrintWriter(log), Duration.ZERO);
        progress.begin("finetune", 4);
        progress.advance(1, "");
        progress.advance(2, "loss 0.6931");
        progress.info("step 2: dev accuracy 0.7000");
        progress.end();
        progress.begin("eval", 10);
        progress.advance(3, "");
        progress.end();
        List<String> lines = log.toString().lines().toList();
        assertFalse(log.toString().contains("\r"), log.toString());
        assertEquals(6, lines.size(), log.toString());
        assertTrue(lines.get(0).matches("finetune 1/4 \\(25%\\) [0-9.]+s"), lines.get(0));
        assertTrue(lines.get(1).matches("finetune 2/4 \\(50%\\) [0-9.]+s, about [0-9.]+s left, loss 0.6931"), lines.get(1));
        assertEquals("step 2: dev accuracy 0.7000", lines.get(2));
        assertTrue(lines.get(3).matches("finetune 2/4 \\(50%\\) [0-9.]+s, stopped, loss 0.6931"), lines.get(3));
        assertTrue(lines.get(5).matches("eval 3/10 \\(30%\\) [0-9.]+s, stopped"), lines.get(5));
    }

    /** Lines come no more often than the interval; the end is written anyway. */
    @Test
    void aLogGetsALineEverySoOften() {
        StringWriter log = new StringWriter();
        ConsoleProgress progress = new ConsoleProgress.Lines(new PrintWriter(log), Duration.ofHours(1));
        progress.begin("pretrain", 1000);
        for (int i = 1; i <= 1000; i++) progress.advance(i, "loss 7.0");
        progress.end();
        assertEquals(List.of("done, loss 7.0"), log.toString().lines().map(l -> l.replaceAll(".*s, ", "")).toList());
    }

    /** On a terminal an information line clears the bar's line, stands above it, and the bar is drawn again. */
    @Test
    void aTerminalGetsInformationAboveTheBar() throws Exception {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(screen, true, StandardCharsets.UTF_8);
        ConsoleProgress progress = new ConsoleProgress.Bars(new Terminal.TerminalWriter(stream));
        progress.begin("finetune", 10);
        progress.advance(3, "loss 0.6931");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!screen.toString(StandardCharsets.UTF_8).contains("3/10") && System.nanoTime() < deadline) Thread.sleep(20);
        progress.info("step 3: dev accuracy 0.7000");
        progress.close(); // as a failing command does before its error line
        String shown = screen.toString(StandardCharsets.UTF_8);
        assertTrue(shown.matches("(?s).*\r\033\\[Kstep 3: dev accuracy 0.7000\n\rfinetune .*3/10.*"), shown);
        assertTrue(shown.endsWith("\n"), "the bar's line is ended, so what follows starts a line of its own");
    }
}
