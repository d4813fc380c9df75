package org.nezha.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import org.nezha.core.InputException;

/** HF's schedules after 2 warmup steps of 10: cosine, polynomial and constant. */
class LearningRateScheduleTest {
    @Test
    void cosineFollowsHalfACosineToZero() {
        LearningRateSchedule s = new LearningRateSchedule(1.0, 2, 10, LearningRateSchedule.decayOf("cosine"), 1, 0);
        assertEquals(0.5, s.rateAt(0), 1e-12);
        assertEquals(1.0, s.rateAt(2), 1e-12);
        assertEquals(0.5, s.rateAt(6), 1e-12, "half way through the decay");
        assertEquals(0.5 * (1 + Math.cos(Math.PI * 7 / 8)), s.rateAt(9), 1e-12);
        assertEquals(0.0, s.rateAt(10), 1e-12);
    }

    @Test
    void polyDecaysWithItsPowerToItsEndRate() {
        LearningRateSchedule s = new LearningRateSchedule(1.0, 2, 10, LearningRateSchedule.decayOf("poly"), 2, 0.1);
        assertEquals(0.1 + 0.9 * 0.25, s.rateAt(6), 1e-12);
        assertEquals(0.1, s.rateAt(10), 1e-12);
    }

    @Test
    void constantStaysAfterWarmup() {
        LearningRateSchedule s = new LearningRateSchedule(1.0, 2, 10, LearningRateSchedule.decayOf("constant"), 1, 0);
        assertEquals(1.0, s.rateAt(9), 1e-12);
    }

    @Test
    void unknownSchedulerListsTheChoices() {
        InputException e = assertThrows(InputException.class, () -> LearningRateSchedule.decayOf("step"));
        assertEquals("--scheduler step: choose one of linear, cosine, constant, poly", e.getMessage());
    }
}
