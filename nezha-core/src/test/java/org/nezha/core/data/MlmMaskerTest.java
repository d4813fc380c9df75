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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MlmMaskerTest {
    private static final SpecialTokens SPECIALS = TestTokens.SPECIALS;

    /** [CLS] tokens [SEP] with its word starts (the specials start words of their own). */
    private record Framed(int[] ids, boolean[] wordStarts) {
        static Framed of(int[] tokens, boolean[] starts) {
            int[] ids = new int[tokens.length + 2];
            boolean[] s = new boolean[ids.length];
            ids[0] = SPECIALS.cls();
            ids[ids.length - 1] = SPECIALS.sep();
            System.arraycopy(tokens, 0, ids, 1, tokens.length);
            System.arraycopy(starts, 0, s, 1, starts.length);
            s[0] = s[ids.length - 1] = true;
            return new Framed(ids, s);
        }

        static Framed of(int[] tokens) {
            boolean[] starts = new boolean[tokens.length];
            Arrays.fill(starts, true);
            return of(tokens, starts);
        }
    }

    private static int[] randomOrdinaryTokens(SplittableRandom random, int length) {
        return IntStream.range(0, length).map(i -> random.nextInt(5, SPECIALS.vocabSize())).toArray();
    }

    /** Words of 1–4 pieces: about a third of the tokens continue a word. */
    private static boolean[] randomWords(SplittableRandom random, int length) {
        boolean[] starts = new boolean[length];
        for (int i = 0; i < length; i++) starts[i] = i == 0 || random.nextInt(3) > 0;
        return starts;
    }

    @Test
    void labelsHoldTheOriginalsAndTheRestStays() {
        MlmMasker masker = new MlmMasker(SPECIALS, 0.15, 20, MaskingScheme.TOKEN);
        int[] tokens = IntStream.range(10, 50).toArray();
        Framed framed = Framed.of(tokens);
        int[] ids = framed.ids().clone();
        MlmMasker.Masked masked = masker.mask(ids, framed.wordStarts(), new SplittableRandom(1));
        assertEquals(SPECIALS.cls(), ids[0]);
        assertEquals(SPECIALS.sep(), ids[41]);
        assertEquals(6, masked.positions().length); // round(40 × 0.15)
        for (int k = 0; k < masked.positions().length; k++) {
            int position = masked.positions()[k];
            assertEquals(tokens[position - 1], masked.labels()[k]);
            if (k > 0) assertTrue(position > masked.positions()[k - 1], "positions ascend");
        }
        for (int i = 1; i <= 40; i++) {
            int position = i;
            if (IntStream.of(masked.positions()).noneMatch(p -> p == position)) assertEquals(tokens[i - 1], ids[i], "unmasked tokens stay");
        }
    }

    /** 15 % of the tokens predicted; of them 80 % [MASK], 10 % kept, 10 % random ordinary tokens — for every scheme. */
    @ParameterizedTest
    @EnumSource(MaskingScheme.class)
    void statisticsMatchGoogleBert(MaskingScheme scheme) {
        MlmMasker masker = new MlmMasker(SPECIALS, 0.15, 1000, scheme);
        SplittableRandom data = new SplittableRandom(11);
        long maskable = 0, predicted = 0, toMask = 0, kept = 0, replaced = 0;
        for (int n = 0; n < 4000; n++) {
            int length = data.nextInt(20, 200);
            Framed framed = Framed.of(randomOrdinaryTokens(data, length), randomWords(data, length));
            int[] ids = framed.ids().clone();
            MlmMasker.Masked masked = masker.mask(ids, framed.wordStarts(), new SplittableRandom(n));
            maskable += length;
            predicted += masked.positions().length;
            for (int k = 0; k < masked.positions().length; k++) {
                int now = ids[masked.positions()[k]];
                if (now == SPECIALS.mask()) toMask++;
                else if (now == masked.labels()[k]) kept++;
                else {
                    replaced++;
                    assertFalse(SPECIALS.isSpecial(now), "a random replacement is never special");
                }
            }
        }
        // whole units are skipped when they would pass the budget, so the word schemes fall a little short of it
        assertEquals(0.15, (double) predicted / maskable, scheme == MaskingScheme.TOKEN ? 0.002 : 0.01, scheme.name());
        assertEquals(0.80, (double) toMask / predicted, 0.01);
        assertEquals(0.10, (double) kept / predicted, 0.01);
        assertEquals(0.10, (double) replaced / predicted, 0.01);
    }

    @ParameterizedTest
    @EnumSource(MaskingScheme.class)
    void maxPredictionsAndAtLeastOne(MaskingScheme scheme) {
        MlmMasker masker = new MlmMasker(SPECIALS, 0.15, 20, scheme);
        SplittableRandom data = new SplittableRandom(3);
        Framed many = Framed.of(randomOrdinaryTokens(data, 500));
        assertEquals(20, masker.mask(many.ids().clone(), many.wordStarts(), new SplittableRandom(1)).positions().length);
        Framed two = Framed.of(randomOrdinaryTokens(data, 2));
        assertEquals(1, masker.mask(two.ids().clone(), two.wordStarts(), new SplittableRandom(1)).positions().length);
    }

    @ParameterizedTest
    @EnumSource(MaskingScheme.class)
    void specialTokensAreNeverMasked(MaskingScheme scheme) {
        MlmMasker masker = new MlmMasker(SPECIALS, 0.5, 1000, scheme);
        SplittableRandom data = new SplittableRandom(5);
        for (int n = 0; n < 500; n++) {
            int[] tokens = randomOrdinaryTokens(data, 30);
            for (int i = 0; i < tokens.length; i += 3) tokens[i] = SPECIALS.unk();
            Framed framed = Framed.of(tokens);
            MlmMasker.Masked masked = masker.mask(framed.ids().clone(), framed.wordStarts(), new SplittableRandom(n));
            assertEquals(10, masked.positions().length); // half of the 20 ordinary tokens, single-token words fit exactly
            for (int position : masked.positions()) {
                assertNotEquals(0, position);
                assertNotEquals(framed.ids().length - 1, position);
                assertNotEquals(SPECIALS.unk(), tokens[position - 1]);
            }
        }
        Framed allUnknown = Framed.of(new int[] {SPECIALS.unk(), SPECIALS.unk()});
        assertEquals(0, masker.mask(allUnknown.ids(), allUnknown.wordStarts(), new SplittableRandom(1)).positions().length);
    }

    @ParameterizedTest
    @EnumSource(MaskingScheme.class)
    void sameRandomSameMasksOtherRandomDifferent(MaskingScheme scheme) {
        MlmMasker masker = new MlmMasker(SPECIALS, 0.15, 20, scheme);
        SplittableRandom data = new SplittableRandom(8);
        Framed framed = Framed.of(randomOrdinaryTokens(data, 100), randomWords(data, 100));
        int[] a = framed.ids().clone(), b = framed.ids().clone(), c = framed.ids().clone();
        MlmMasker.Masked ma = masker.mask(a, framed.wordStarts(), new SplittableRandom(4));
        MlmMasker.Masked mb = masker.mask(b, framed.wordStarts(), new SplittableRandom(4));
        MlmMasker.Masked mc = masker.mask(c, framed.wordStarts(), new SplittableRandom(5));
        assertArrayEquals(a, b);
        assertArrayEquals(ma.positions(), mb.positions());
        assertFalse(Arrays.equals(ma.positions(), mc.positions()));
    }

    /** Whole-word and n-gram masking mask every piece of a chosen word and nothing of an unchosen one. */
    @ParameterizedTest
    @EnumSource(value = MaskingScheme.class, names = {"WHOLE_WORD", "NGRAM"})
    void wordSchemesMaskWholeWordsOnly(MaskingScheme scheme) {
        MlmMasker masker = new MlmMasker(SPECIALS, 0.15, 40, scheme);
        SplittableRandom data = new SplittableRandom(21);
        int partial = 0;
        for (int n = 0; n < 2000; n++) {
            int length = data.nextInt(10, 120);
            Framed framed = Framed.of(randomOrdinaryTokens(data, length), randomWords(data, length));
            MlmMasker.Masked masked = masker.mask(framed.ids().clone(), framed.wordStarts(), new SplittableRandom(n));
            boolean[] isMasked = new boolean[framed.ids().length];
            for (int p : masked.positions()) isMasked[p] = true;
            for (int i = 2; i < framed.ids().length - 1; i++) {
                if (!framed.wordStarts()[i] && isMasked[i] != isMasked[i - 1]) partial++; // a word cut between pieces
            }
        }
        assertEquals(0, partial);
    }

    /** The token scheme ignores word starts: it masks pieces of words alone too. */
    @Test
    void tokenSchemeCutsWords() {
        MlmMasker masker = new MlmMasker(SPECIALS, 0.15, 40, MaskingScheme.TOKEN);
        SplittableRandom data = new SplittableRandom(21);
        int partial = 0;
        for (int n = 0; n < 200; n++) {
            Framed framed = Framed.of(randomOrdinaryTokens(data, 100), randomWords(data, 100));
            MlmMasker.Masked masked = masker.mask(framed.ids().clone(), framed.wordStarts(), new SplittableRandom(n));
            boolean[] isMasked = new boolean[framed.ids().length];
            for (int p : masked.positions()) isMasked[p] = true;
            for (int i = 2; i < framed.ids().length - 1; i++) {
                if (!framed.wordStarts()[i] && isMasked[i] != isMasked[i - 1]) partial++;
            }
        }
        assertTrue(partial > 100, "pieces masked alone: " + partial);
    }

    /** N-gram spans: 1–4 words with probabilities 40/30/20/10 %, renormalised when fewer words are left. */
    @Test
    void ngramSpanLengthsFollowMacBertsDistribution() {
        SplittableRandom random = new SplittableRandom(13);
        int draws = 200_000;
        int[] counts = new int[5];
        for (int i = 0; i < draws; i++) counts[MlmMasker.spanLength(random, 4)]++;
        double[] expected = {0, 0.4, 0.3, 0.2, 0.1};
        for (int n = 1; n <= 4; n++) assertEquals(expected[n], (double) counts[n] / draws, 0.005, n + " words");
        int[] two = new int[3];
        for (int i = 0; i < draws; i++) two[MlmMasker.spanLength(random, 2)]++;
        assertEquals(4.0 / 7, (double) two[1] / draws, 0.005);
        for (int i = 0; i < 1000; i++) assertEquals(1, MlmMasker.spanLength(random, 1));
    }

    /**
     * In real masking, with one-token words, masked runs show the span lengths: runs of 2–4 tokens are
     * frequent under n-gram masking (where spans of 2+ are 60 % of the draws) and rare by chance under
     * whole-word masking; and no span crosses the [SEP] between two segments.
     */
    @Test
    void ngramMasksSpansWithinASegment() {
        SplittableRandom data = new SplittableRandom(30);
        double[] multiTokenRuns = new double[2];
        MaskingScheme[] schemes = {MaskingScheme.WHOLE_WORD, MaskingScheme.NGRAM};
        for (int s = 0; s < 2; s++) {
            MlmMasker masker = new MlmMasker(SPECIALS, 0.15, 1000, schemes[s]);
            int runs = 0, multi = 0;
            for (int n = 0; n < 1000; n++) {
                int[] a = randomOrdinaryTokens(data, 100), b = randomOrdinaryTokens(data, 100);
                int[] ids = new int[203];
                boolean[] starts = new boolean[203];
                Arrays.fill(starts, true);
                ids[0] = SPECIALS.cls();
                System.arraycopy(a, 0, ids, 1, 100);
                ids[101] = SPECIALS.sep();
                System.arraycopy(b, 0, ids, 102, 100);
                ids[202] = SPECIALS.sep();
                MlmMasker.Masked masked = masker.mask(ids, starts, new SplittableRandom(n));
                int[] p = masked.positions();
                for (int k = 0; k < p.length; k++) {
                    assertNotEquals(101, p[k], "[SEP] is never masked");
                    if (k > 0 && p[k] == p[k - 1] + 1) continue;
                    runs++;
                    if (k + 1 < p.length && p[k + 1] == p[k] + 1) multi++;
                }
            }
            multiTokenRuns[s] = (double) multi / runs;
        }
        assertTrue(multiTokenRuns[0] < 0.25, "wwm runs of 2+: " + multiTokenRuns[0]);
        assertTrue(multiTokenRuns[1] > 0.5, "ngram runs of 2+: " + multiTokenRuns[1]);
    }
}
