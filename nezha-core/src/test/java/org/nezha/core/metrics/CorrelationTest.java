package org.nezha.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CorrelationTest {
    @Test
    void pearsonAsScipyDocumentsIt() {
        // scipy.stats.pearsonr's example: -0.7426106572325057
        assertEquals(-0.7426106572325057, Correlation.pearson(new double[] {1, 2, 3, 4, 5}, new double[] {10, 9, 2.5, 6, 4}), 1e-15);
        assertEquals(1.0, Correlation.pearson(new double[] {1, 2, 3}, new double[] {2, 4, 6}), 0);
        assertEquals(-1.0, Correlation.pearson(new double[] {1, 2, 3}, new double[] {3, 2, 1}), 0);
    }

    @Test
    void spearmanWithATieAsScipyDocumentsIt() {
        // scipy.stats.spearmanr's example; by hand: y's ranks 1, 2, 3.5, 5, 3.5, so r = 8 / sqrt(10 * 9.5)
        double rho = Correlation.spearman(new double[] {1, 2, 3, 4, 5}, new double[] {5, 6, 7, 8, 7});
        assertEquals(8 / Math.sqrt(95), rho, 1e-15);
        assertEquals(0.8207826816681233, rho, 1e-15);
    }

    @Test
    void spearmanWithTiesOnBothSides() {
        // scipy.stats.spearmanr([1,2,2,3,3,3], [1,3,2,2,4,5]) = 0.7045023274707932
        assertEquals(0.7045023274707932, Correlation.spearman(new double[] {1, 2, 2, 3, 3, 3}, new double[] {1, 3, 2, 2, 4, 5}), 1e-15);
        // monotone but not linear: Spearman 1, Pearson below
        double[] x = {1, 2, 3, 4}, y = {1, 4, 9, 100};
        assertEquals(1.0, Correlation.spearman(x, y), 0);
        assertTrue(Correlation.pearson(x, y) < 0.9);
    }

    @Test
    void averageRanksForTies() {
        // scipy.stats.rankdata([1, 2, 2, 3, 3, 3]) = [1, 2.5, 2.5, 5, 5, 5]
        assertArrayEquals(new double[] {1, 2.5, 2.5, 5, 5, 5}, Correlation.ranks(new double[] {1, 2, 2, 3, 3, 3}));
        assertArrayEquals(new double[] {3, 1.5, 1.5}, Correlation.ranks(new double[] {0.7, -1, -1}));
    }

    @Test
    void aConstantSideHasNoCorrelation() {
        assertTrue(Double.isNaN(Correlation.pearson(new double[] {1, 2, 3}, new double[] {4, 4, 4})));
        assertTrue(Double.isNaN(Correlation.spearman(new double[] {5, 5}, new double[] {1, 2})));
    }

    @Test
    void badSeriesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Correlation.pearson(new double[] {1, 2}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Correlation.spearman(new double[] {1}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Correlation.pearson(new double[] {1, Double.NaN}, new double[] {1, 2}));
    }
}
