package org.nezha.core.data;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.nezha.core.InputException;

/**
 * Google BERT's masked-LM corruption. Of the maskable tokens (every token that is not one of the
 * SpecialTokens; [UNK] included, since predicting [UNK] teaches nothing) it picks
 * round(count × maskProb), at least 1 and at most maxPredictionsPerSeq; of those 80 % become
 * [MASK], 10 % a random token and 10 % stay. The random token is uniform over the vocabulary
 * minus the five special tokens; [unusedN] entries stay in, as in Google BERT, which draws from
 * the whole vocabulary.
 */
public final class MlmMasker {
    private final SpecialTokens specials;
    private final double maskProb;
    private final int maxPredictions;

    public MlmMasker(SpecialTokens specials, double maskProb, int maxPredictionsPerSeq) {
        if (!(maskProb > 0 && maskProb < 1)) {
            throw new InputException("mask probability must be between 0 and 1, got " + maskProb);
        }
        if (maxPredictionsPerSeq < 1) {
            throw new InputException("max predictions per sequence must be at least 1, got " + maxPredictionsPerSeq);
        }
        this.specials = specials;
        this.maskProb = maskProb;
        this.maxPredictions = maxPredictionsPerSeq;
    }

    public SpecialTokens specials() {
        return specials;
    }

    /**
     * Wraps {@code tokens} in [CLS] … [SEP] and masks it. The masked positions are empty only
     * when no token is maskable (all [UNK], say).
     */
    public MlmInstance mask(int[] tokens, SplittableRandom random) {
        int length = tokens.length + 2;
        int[] input = new int[length];
        input[0] = specials.cls();
        System.arraycopy(tokens, 0, input, 1, tokens.length);
        input[length - 1] = specials.sep();

        int[] candidates = IntStream.range(1, length - 1).filter(i -> !specials.isSpecial(input[i])).toArray();
        int count = maskedCount(candidates.length);
        for (int i = 0; i < count; i++) { // partial Fisher–Yates: the first count slots are a uniform sample
            int j = random.nextInt(i, candidates.length);
            int swap = candidates[i];
            candidates[i] = candidates[j];
            candidates[j] = swap;
        }
        int[] positions = Arrays.copyOf(candidates, count);
        Arrays.sort(positions);

        int[] labels = new int[count];
        for (int k = 0; k < count; k++) {
            int position = positions[k];
            labels[k] = input[position];
            double roll = random.nextDouble();
            if (roll < 0.8) input[position] = specials.mask();
            else if (roll < 0.9) input[position] = randomOrdinaryToken(random);
        }
        return new MlmInstance(input, new int[length], positions, labels);
    }

    /** How many tokens {@link #mask} masks in {@code tokens}: a function of the sequence alone, not of the random stream. */
    int maskedCount(int[] tokens) {
        return maskedCount((int) Arrays.stream(tokens).filter(id -> !specials.isSpecial(id)).count());
    }

    private int maskedCount(int candidates) {
        int wanted = Math.max(1, (int) Math.round(candidates * maskProb));
        return Math.min(Math.min(wanted, maxPredictions), candidates);
    }

    private int randomOrdinaryToken(SplittableRandom random) {
        int id;
        do {
            id = random.nextInt(specials.vocabSize());
        } while (specials.isSpecial(id));
        return id;
    }
}
