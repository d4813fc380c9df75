package org.nezha.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.nezha.core.corpus.TokenCorpus;

/**
 * Endless masked-LM batches over epochs of packed instances: the instance order is reshuffled every
 * epoch and every instance is masked afresh (dynamic masking). Shuffle and masks derive from (seed,
 * epoch, instance), so any batch can be rebuilt on its own, {@link #seek} resumes exactly, and an
 * instance is masked the same whichever data-parallel rank draws it. All ranks follow one order,
 * each taking its {@link RankSlice} of every global batch; each rank masks the whole global batch
 * to know its masked-token count, which the loss is normalised by.
 */
public final class MlmBatcher extends EpochBatcher<MlmBatch> {
    private static final long MASK_STREAM = 2;

    private final TokenCorpus corpus;
    private final InstanceTable instances;
    private final MlmMasker masker;
    private final int padTo;
    private final long seed;
    private final boolean nextSentence;

    /**
     * @param batchSize    this rank's rows of every global batch
     * @param padTo        pad every batch to this length, or 0 to pad to the longest row of each batch
     * @param nextSentence whether batches carry next-sentence labels
     */
    public MlmBatcher(TokenCorpus corpus, InstanceTable instances, MlmMasker masker, int batchSize, int padTo, long seed,
            RankSlice slice, boolean nextSentence) {
        super(new EpochSchedule(instances.size(), batchSize, slice, true, seed));
        this.corpus = corpus;
        this.instances = instances;
        this.masker = masker;
        this.padTo = padTo;
        this.seed = seed;
        this.nextSentence = nextSentence;
    }

    public int size() {
        return instances.size();
    }

    @Override
    public MlmBatch batch(int epoch, int batchIndex) {
        EpochSchedule.Share share = schedule.share(epoch, batchIndex);
        Map<Integer, MlmInstance> masked = new HashMap<>();
        long globalMasked = 0;
        for (int item : share.globalItems()) {
            MlmInstance instance = instance(epoch, item);
            masked.put(item, instance);
            globalMasked += instance.maskedPositions().length;
        }
        List<MlmInstance> rows = new ArrayList<>(share.rows().length);
        for (int item : share.rows()) rows.add(masked.get(item));
        return MlmBatch.of(rows, masker.specials().pad(), padTo, share.lossWeight(globalMasked), nextSentence,
                share.lossWeight(share.globalItems().length));
    }

    /** Instance {@code item}, framed and masked as epoch {@code epoch} masks it. */
    MlmInstance instance(int epoch, int item) {
        PackedInstance packed = instances.get(item);
        SpecialTokens specials = masker.specials();
        int a = packed.aLength();
        int b = packed.bLength();
        int length = a + b + (b > 0 ? 3 : 2);
        int[] input = new int[length];
        int[] types = new int[length];
        boolean[] wordStarts = new boolean[length];
        input[0] = specials.cls();
        corpus.copyTokens(packed.aStart(), input, 1, a);
        corpus.copyWordStarts(packed.aStart(), wordStarts, 1, a);
        input[a + 1] = specials.sep();
        if (b > 0) {
            corpus.copyTokens(packed.bStart(), input, a + 2, b);
            corpus.copyWordStarts(packed.bStart(), wordStarts, a + 2, b);
            input[length - 1] = specials.sep();
            Arrays.fill(types, a + 2, length, 1);
        }
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, MASK_STREAM, epoch, item));
        MlmMasker.Masked m = masker.mask(input, wordStarts, random);
        return new MlmInstance(input, types, m.positions(), m.labels(), packed.randomNext() ? 1 : 0);
    }
}
