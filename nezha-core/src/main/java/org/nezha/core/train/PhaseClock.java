package org.nezha.core.train;

/**
 * Told by the trainer when each phase of an update ends, for a benchmark's step-time breakdown.
 * A clock that measures must wait for the device at each mark, so only benchmarks install one.
 */
public interface PhaseClock {
    enum Phase { FORWARD, BACKWARD, COMMUNICATION, OPTIMIZER }

    PhaseClock NONE = phase -> {};

    void phaseEnded(Phase phase);
}
