package org.nezha.core.pipeline;

/** How long-running jobs report to the user; the CLI renders it as progress bars. */
public interface Progress {
    /** A new phase of {@code total} units (steps, examples). */
    void begin(String task, long total);

    /** {@code done} units of the current phase are finished; {@code status} is a short live summary (may be empty). */
    void advance(long done, String status);

    /** The current phase is over. */
    void end();

    /** A line of information for the user (data sizes, where outputs went). */
    void info(String line);

    /**
     * A sub-task inside the current phase (a dev evaluation during training) shown as that phase's
     * status, "LABEL done/total", while the phase stays at {@code phaseDone}; its own begin and end
     * do not replace the phase, and its end puts {@code statusAfter} back.
     */
    default Progress nested(long phaseDone, String label, String statusAfter) {
        Progress outer = this;
        return new Progress() {
            private long total;

            @Override
            public void begin(String task, long total) {
                this.total = total;
                outer.advance(phaseDone, label + " 0/" + total);
            }

            @Override
            public void advance(long done, String status) {
                outer.advance(phaseDone, label + " " + done + "/" + total);
            }

            @Override
            public void end() {
                outer.advance(phaseDone, statusAfter);
            }

            @Override
            public void info(String line) {
                outer.info(line);
            }
        };
    }

    /** Reports nothing (library use, tests). */
    Progress SILENT = new Progress() {
        @Override
        public void begin(String task, long total) {}

        @Override
        public void advance(long done, String status) {}

        @Override
        public void end() {}

        @Override
        public void info(String line) {}
    };
}
