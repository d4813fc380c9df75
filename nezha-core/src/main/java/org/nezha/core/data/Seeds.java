package org.nezha.core.data;

import java.util.SplittableRandom;

/**
 * Derives independent, reproducible random streams from one user seed: each (purpose, epoch,
 * item) gets its own generator, so any batch can be rebuilt without replaying the ones before it.
 */
final class Seeds {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private Seeds() {}

    static long derive(long seed, long... parts) {
        long h = mix(seed);
        for (long part : parts) h = mix(h ^ (part * GOLDEN_GAMMA + GOLDEN_GAMMA));
        return h;
    }

    /** A uniformly random permutation of 0 … n−1 (Fisher–Yates). */
    static int[] permutation(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /** SplitMix64's finalizer: a bijection that spreads every input bit over the output. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
