package org.nezha.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Endless masked-LM batches over epochs: the sequence order is reshuffled every epoch and every
 * sequence is masked afresh (dynamic masking). Shuffle and masks derive from (seed, epoch,
 * sequence), so any batch can be rebuilt on its own, {@link #seek} resumes exactly, and a sequence
 * is masked the same whichever data-parallel rank draws it. All ranks follow one order, each taking
 * its {@link RankSlice} of every global batch.
 */
public final class MlmBatcher extends EpochBatcher<MlmBatch> {
    private static final long MASK_STREAM = 2;

    private final List<int[]> sequences;
    private final MlmMasker masker;
    private final int padTo;
    private final long seed;
    /** Masked tokens per sequence, -1 until first needed: a function of the sequence, counted once for the whole run. */
    private final int[] maskedCounts;

    /**
     * @param sequences token ids without special tokens, as {@link SequencePacker} gives them
     * @param batchSize this rank's rows of every global batch
     * @param padTo     pad every batch to this length, or 0 to pad to the longest row of each batch
     */
    public MlmBatcher(List<int[]> sequences, MlmMasker masker, int batchSize, int padTo, long seed, RankSlice slice) {
        super(new EpochSchedule(sequences.size(), batchSize, slice, true, seed));
        this.sequences = List.copyOf(sequences);
        this.masker = masker;
        this.padTo = padTo;
        this.seed = seed;
        this.maskedCounts = new int[sequences.size()];
        Arrays.fill(maskedCounts, -1);
    }

    public int size() {
        return sequences.size();
    }

    @Override
    public MlmBatch batch(int epoch, int batchIndex) {
        EpochSchedule.Share share = schedule.share(epoch, batchIndex);
        List<MlmInstance> instances = new ArrayList<>();
        for (int item : share.rows()) {
            SplittableRandom random = new SplittableRandom(Seeds.derive(seed, MASK_STREAM, epoch, item));
            instances.add(masker.mask(sequences.get(item), random));
        }
        // the loss is a mean over the whole global batch's masked tokens: count them without masking other ranks' rows
        long globalMasked = 0;
        for (int item : share.globalItems()) globalMasked += maskedCount(item);
        return MlmBatch.of(instances, masker.specials().pad(), padTo, share.lossWeight(globalMasked));
    }

    private int maskedCount(int item) {
        if (maskedCounts[item] < 0) maskedCounts[item] = masker.maskedCount(sequences.get(item));
        return maskedCounts[item];
    }
}
