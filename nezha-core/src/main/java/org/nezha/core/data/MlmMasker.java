package org.nezha.core.data;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.nezha.core.InputException;

/**
 * Google BERT's masked-LM corruption of one framed sequence ([CLS] A [SEP] B [SEP]). The maskable
 * tokens are those that are not {@link SpecialTokens} ([UNK] is one: predicting it teaches
 * nothing); of them it masks about round(count × maskProb), at least 1 and at most maxPredictions,
 * choosing units in random order and skipping a unit that would pass the budget, as Google's
 * {@code create_masked_lm_predictions} does: single tokens, whole words, or n-grams of whole words
 * (ALBERT's procedure: the span length is drawn with weights 4:3:2:1 for 1–4 words among those
 * left in the segment, then shortened until it fits the budget; a span over an already masked word
 * is skipped). Each masked token independently becomes [MASK] (80 %), a random ordinary token
 * (10 %) or stays (10 %). The random token is uniform over the vocabulary minus the five special
 * tokens; [unusedN] entries stay in, as in Google BERT.
 */
public final class MlmMasker {
    /** Relative weights of n-gram spans of 1, 2, 3 and 4 words: 40/30/20/10 %. */
    private static final int[] SPAN_WEIGHTS = {4, 3, 2, 1};

    /** The masked positions (ascending) of a sequence and the original token at each. */
    public record Masked(int[] positions, int[] labels) {}

    private final SpecialTokens specials;
    private final double maskProb;
    private final int maxPredictions;
    private final MaskingScheme scheme;

    public MlmMasker(SpecialTokens specials, double maskProb, int maxPredictionsPerSeq, MaskingScheme scheme) {
        if (!(maskProb > 0 && maskProb < 1)) {
            throw new InputException("mask probability must be between 0 and 1, got " + maskProb);
        }
        if (maxPredictionsPerSeq < 1) {
            throw new InputException("max predictions per sequence must be at least 1, got " + maxPredictionsPerSeq);
        }
        this.specials = specials;
        this.maskProb = maskProb;
        this.maxPredictions = maxPredictionsPerSeq;
        this.scheme = scheme;
    }

    public SpecialTokens specials() {
        return specials;
    }

    /**
     * Masks {@code input} in place. {@code wordStarts[i]} says whether token i starts a word (read by
     * the word schemes only); a maskable token right after a special token always starts one.
     */
    public Masked mask(int[] input, boolean[] wordStarts, SplittableRandom random) {
        Units units = new Units(input, wordStarts);
        int budget = Math.min(Math.min(Math.max(1, (int) Math.round(units.tokens * maskProb)), maxPredictions), units.tokens);
        boolean[] chosen = new boolean[units.count]; // units (tokens or words) masked so far
        int masked = 0;
        int[] order = new int[units.count];
        for (int i = 0; i < order.length; i++) order[i] = i;
        for (int k = 0; k < order.length && masked < budget; k++) {
            int j = random.nextInt(k, order.length); // lazy Fisher–Yates: order[k] is the k-th of a uniform shuffle
            int unit = order[j];
            order[j] = order[k];
            order[k] = unit;
            int span = scheme == MaskingScheme.NGRAM ? spanLength(random, Math.min(SPAN_WEIGHTS.length, units.runEnd[unit] - unit)) : 1;
            while (span > 1 && masked + units.tokensIn(unit, span) > budget) span--;
            int size = units.tokensIn(unit, span);
            if (masked + size > budget || anyChosen(chosen, unit, span)) continue;
            Arrays.fill(chosen, unit, unit + span, true);
            masked += size;
        }

        int[] positions = new int[masked];
        int k = 0;
        for (int unit = 0; unit < units.count; unit++) {
            if (!chosen[unit]) continue;
            for (int p = units.start[unit]; p < units.end[unit]; p++) positions[k++] = p;
        }
        int[] labels = new int[masked];
        for (int i = 0; i < masked; i++) {
            int position = positions[i];
            labels[i] = input[position];
            double roll = random.nextDouble();
            if (roll < 0.8) input[position] = specials.mask();
            else if (roll < 0.9) input[position] = randomOrdinaryToken(random);
        }
        return new Masked(positions, labels);
    }

    /** A span of 1 … available words, drawn with {@link #SPAN_WEIGHTS} renormalised over what is available. */
    static int spanLength(SplittableRandom random, int available) {
        int total = 0;
        for (int n = 0; n < available; n++) total += SPAN_WEIGHTS[n];
        int draw = random.nextInt(total);
        int n = 0;
        while (draw >= SPAN_WEIGHTS[n]) draw -= SPAN_WEIGHTS[n++];
        return n + 1;
    }

    private static boolean anyChosen(boolean[] chosen, int from, int count) {
        for (int i = from; i < from + count; i++) {
            if (chosen[i]) return true;
        }
        return false;
    }

    private int randomOrdinaryToken(SplittableRandom random) {
        int id;
        do {
            id = random.nextInt(specials.vocabSize());
        } while (specials.isSpecial(id));
        return id;
    }

    /**
     * The units a scheme masks: unit u is tokens [start[u], end[u]), never holding a special token;
     * runEnd[u] is the first unit after the run of units no special token separates (an n-gram stays
     * inside a run, that is inside one segment).
     */
    private final class Units {
        final int[] start;
        final int[] end;
        final int[] runEnd;
        final int count;
        final int tokens;

        Units(int[] input, boolean[] wordStarts) {
            start = new int[input.length];
            end = new int[input.length];
            runEnd = new int[input.length];
            int n = 0;
            int maskable = 0;
            int runStart = 0;
            boolean afterSpecial = true;
            for (int i = 0; i < input.length; i++) {
                if (specials.isSpecial(input[i])) {
                    Arrays.fill(runEnd, runStart, n, n);
                    runStart = n;
                    afterSpecial = true;
                    continue;
                }
                maskable++;
                if (afterSpecial || scheme == MaskingScheme.TOKEN || wordStarts[i]) start[n++] = i;
                end[n - 1] = i + 1;
                afterSpecial = false;
            }
            Arrays.fill(runEnd, runStart, n, n);
            this.count = n;
            this.tokens = maskable;
        }

        /** Tokens in units [unit, unit + span). */
        int tokensIn(int unit, int span) {
            int sum = 0;
            for (int u = unit; u < unit + span; u++) sum += end[u] - start[u];
            return sum;
        }
    }
}
