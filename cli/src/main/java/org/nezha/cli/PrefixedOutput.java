package org.nezha.cli;

import java.io.PrintWriter;

/**
 * One of our output streams shared by several child processes, each line tagged with its source
 * ("[rank 1] "). A child's progress bar redraws its line with carriage returns; such a redraw stays
 * on the current terminal line until another source writes, which then starts on a fresh line.
 */
final class PrefixedOutput {
    private final PrintWriter target;
    /** The prefix whose redrawn line the cursor is on, or null at the start of a line. */
    private String openRedraw;

    PrefixedOutput(PrintWriter target) {
        this.target = target;
    }

    /** A finished line from {@code prefix}'s source. */
    synchronized void line(String prefix, String text) {
        leaveRedraw(prefix);
        target.println(prefix + text);
        target.flush();
        openRedraw = null;
    }

    /** A new state of the line {@code prefix}'s source keeps redrawing. */
    synchronized void redraw(String prefix, String text) {
        leaveRedraw(prefix);
        target.print(prefix + text);
        target.flush();
        openRedraw = prefix;
    }

    /** The printing above then overwrites {@code prefix}'s own redrawn line, or starts below another source's. */
    private void leaveRedraw(String prefix) {
        if (openRedraw != null) target.print(openRedraw.equals(prefix) ? "\r" : System.lineSeparator());
    }
}
