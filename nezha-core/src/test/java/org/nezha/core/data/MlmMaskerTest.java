package org.nezha.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class MlmMaskerTest {
    private static final SpecialTokens SPECIALS = TestTokens.SPECIALS;

    private static int[] randomOrdinaryTokens(SplittableRandom random, int length) {
        return IntStream.range(0, length).map(i -> random.nextInt(5, SPECIALS.vocabSize())).toArray();
    }

    @Test
    void wrapsInClsAndSepAndLabelsHoldTheOriginals() {
        MlmMasker masker = new MlmMasker(SPECIALS, 0.15, 20);
        int[] tokens = IntStream.range(10, 50).toArray();
        MlmInstance instance = masker.mask(tokens, new SplittableRandom(1));
        int[] ids = instance.inputIds();
        assertEquals(42, ids.length);
        assertEquals(SPECIALS.cls(), ids[0]);
        assertEquals(SPECIALS.sep(), ids[41]);
        assertArrayEquals(new int[42], instance.tokenTypeIds());
        assertEquals(6, instance.maskedPositions().length); // round(40 × 0.15)
        for (int k = 0; k < instance.maskedPositions().length; k++) {
            int position = instance.maskedPositions()[k];
            assertEquals(tokens[position - 1], instance.maskedLabels()[k]);
            if (k > 0) assertTrue(position > instance.maskedPositions()[k - 1], "positions ascend");
        }
        for (int i = 1; i <= 40; i++) {
            int position = i;
            boolean masked = IntStream.of(instance.maskedPositions()).anyMatch(p -> p == position);
            if (!masked) assertEquals(tokens[i - 1], ids[i], "unmasked tokens stay");
        }
    }

    @Test
    void statisticsMatchGoogleBert() {
        MlmMasker masker = new MlmMasker(SPECIALS, 0.15, 1000);
        SplittableRandom data = new SplittableRandom(11);
        long maskable = 0, predicted = 0, toMask = 0, kept = 0, replaced = 0;
        for (int n = 0; n < 4000; n++) {
            int[] tokens = randomOrdinaryTokens(data, data.nextInt(20, 200));
            MlmInstance instance = masker.mask(tokens, new SplittableRandom(n));
            maskable += tokens.length;
            predicted += instance.maskedPositions().length;
            for (int k = 0; k < instance.maskedPositions().length; k++) {
                int now = instance.inputIds()[instance.maskedPositions()[k]];
                if (now == SPECIALS.mask()) toMask++;
                else if (now == instance.maskedLabels()[k]) kept++;
                else {
                    replaced++;
                    assertFalse(SPECIALS.isSpecial(now), "a random replacement is never special");
                }
            }
        }
        assertEquals(0.15, (double) predicted / maskable, 0.002);
        assertEquals(0.80, (double) toMask / predicted, 0.01);
        assertEquals(0.10, (double) kept / predicted, 0.01);
        assertEquals(0.10, (double) replaced / predicted, 0.01);
    }

    @Test
    void maxPredictionsAndAtLeastOne() {
        MlmMasker masker = new MlmMasker(SPECIALS, 0.15, 20);
        SplittableRandom data = new SplittableRandom(3);
        assertEquals(20, masker.mask(randomOrdinaryTokens(data, 500), new SplittableRandom(1)).maskedPositions().length);
        assertEquals(1, masker.mask(randomOrdinaryTokens(data, 2), new SplittableRandom(1)).maskedPositions().length);
    }

    @Test
    void specialTokensAreNeverMasked() {
        MlmMasker masker = new MlmMasker(SPECIALS, 0.5, 1000);
        SplittableRandom data = new SplittableRandom(5);
        for (int n = 0; n < 500; n++) {
            int[] tokens = randomOrdinaryTokens(data, 30);
            for (int i = 0; i < tokens.length; i += 3) tokens[i] = SPECIALS.unk();
            MlmInstance instance = masker.mask(tokens, new SplittableRandom(n));
            assertEquals(10, instance.maskedPositions().length); // half of the 20 ordinary tokens
            for (int position : instance.maskedPositions()) {
                assertNotEquals(0, position);
                assertNotEquals(instance.inputIds().length - 1, position);
                assertNotEquals(SPECIALS.unk(), tokens[position - 1]);
            }
        }
        int[] allUnknown = {SPECIALS.unk(), SPECIALS.unk()};
        assertEquals(0, masker.mask(allUnknown, new SplittableRandom(1)).maskedPositions().length);
    }

    @Test
    void sameRandomSameMasksOtherRandomDifferent() {
        MlmMasker masker = new MlmMasker(SPECIALS, 0.15, 20);
        int[] tokens = randomOrdinaryTokens(new SplittableRandom(8), 100);
        MlmInstance a = masker.mask(tokens, new SplittableRandom(4));
        MlmInstance b = masker.mask(tokens, new SplittableRandom(4));
        MlmInstance c = masker.mask(tokens, new SplittableRandom(5));
        assertArrayEquals(a.inputIds(), b.inputIds());
        assertArrayEquals(a.maskedPositions(), b.maskedPositions());
        assertFalse(Arrays.equals(a.maskedPositions(), c.maskedPositions()));
    }
}
