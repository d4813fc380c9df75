package org.nezha.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class KeyedPermutationTest {
    private static int[] all(int n, long key) {
        KeyedPermutation p = new KeyedPermutation(n, key);
        return IntStream.range(0, n).map(p::apply).toArray();
    }

    @Test
    void isAPermutationForEverySize() {
        for (int n : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 31, 33, 100, 1000, 65_537, 262_143}) {
            int[] order = all(n, n * 31L);
            int[] sorted = order.clone();
            Arrays.sort(sorted);
            assertEquals(IntStream.range(0, n).boxed().toList(), Arrays.stream(sorted).boxed().toList(), "n = " + n);
        }
    }

    @Test
    void keysGiveDifferentOrdersAndTheSameKeyTheSame() {
        assertEquals(Arrays.toString(all(1000, 7)), Arrays.toString(all(1000, 7)));
        assertNotEquals(Arrays.toString(all(1000, 7)), Arrays.toString(all(1000, 8)));
    }

    /** Over many keys, where an item lands is close to uniform, and neighbours do not stay neighbours. */
    @Test
    void looksLikeAUniformShuffle() {
        int n = 10, keys = 20_000;
        int[][] counts = new int[n][n];
        int adjacent = 0;
        for (long key = 0; key < keys; key++) {
            KeyedPermutation p = new KeyedPermutation(n, key);
            for (int i = 0; i < n; i++) counts[i][p.apply(i)]++;
            if (Math.abs(p.apply(0) - p.apply(1)) == 1) adjacent++;
        }
        for (int[] row : counts) for (int c : row) assertEquals(keys / (double) n, c, 0.1 * keys / n);
        assertEquals(2.0 / n, adjacent / (double) keys, 0.03, "|σ(0) − σ(1)| = 1 about as often as for a random pair");
    }

    @Test
    void indicesOutsideTheDomainAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new KeyedPermutation(5, 1).apply(5));
        assertThrows(IllegalArgumentException.class, () -> new KeyedPermutation(0, 1));
        assertTrue(new KeyedPermutation(Integer.MAX_VALUE, 3).apply(Integer.MAX_VALUE - 1) >= 0);
    }
}
