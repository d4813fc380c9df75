package org.nezha.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Closeness of float64 arrays, relative to the largest reference value. Holds no native objects. */
final class NumericAsserts {
    private NumericAsserts() {}

    /** max |got − want| / max(1, max |want|) ≤ tolerance (inputs are O(1)); NaN fails. */
    static void assertClose(double[] want, double[] got, double tolerance, String what) {
        assertClose(want, got, tolerance, 1, what);
    }

    /** max |got − want| / max(floor, max |want|) ≤ tolerance; NaN fails. */
    static void assertClose(double[] want, double[] got, double tolerance, double floor, String what) {
        assertEquals(want.length, got.length, what + ": length");
        double scale = floor;
        for (double w : want) scale = Math.max(scale, Math.abs(w));
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(got[i] - want[i]) / scale;
            if (!(err <= worst)) worst = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
        }
        assertTrue(worst <= tolerance, what + ": max relative error " + worst + " > " + tolerance);
    }
}
