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
 * epoch and every instance is masked afresh (dynamic masking), or as a stored copy says (static). Shuffle and masks derive from (seed,
 * epoch, instance), so any batch can be rebuilt on its own, {@link #seek} resumes exactly, and an
 * instance is masked the same whichever data-parallel rank draws it. All ranks follow one order,
 * each taking its {@link RankSlice} of every global batch; each rank masks the whole global batch
 * to know its masked-token count, which the loss is normalised by.
 */
public final class MlmBatcher extends EpochBatcher<MlmBatch> {
    private static final long MASK_STREAM = 2;

    /** Masks a framed instance in place, as a given epoch masks it. */
    @FunctionalInterface
    public interface Masks {
        MlmMasker.Masked mask(int epoch, int item, int[] input, boolean[] wordStarts);
    }

    private final TokenCorpus corpus;
    private final InstanceTable instances;
    private final SpecialTokens specials;
    private final Masks masks;
    private final int padTo;
    private final boolean nextSentence;

    /**
     * @param batchSize    this rank's rows of every global batch
     * @param padTo        pad every batch to this length, or 0 to pad to the longest row of each batch
     * @param nextSentence whether batches carry next-sentence labels
     */
    public MlmBatcher(TokenCorpus corpus, InstanceTable instances, MlmMasker masker, int batchSize, int padTo, long seed,
            RankSlice slice, boolean nextSentence) {
        this(corpus, instances, masker.specials(), dynamicMasks(masker, seed), batchSize, padTo, seed, slice, nextSentence);
    }

    /** Batches whose masks come from {@code masks} (stored copies, say) rather than drawn afresh. */
    public MlmBatcher(TokenCorpus corpus, InstanceTable instances, SpecialTokens specials, Masks masks, int batchSize, int padTo,
            long seed, RankSlice slice, boolean nextSentence) {
        super(new EpochSchedule(instances.size(), batchSize, slice, EpochOrder.KEYED_SHUFFLE, seed));
        this.corpus = corpus;
        this.instances = instances;
        this.specials = specials;
        this.masks = masks;
        this.padTo = padTo;
        this.nextSentence = nextSentence;
    }

    /** Dynamic masking: every (epoch, instance) draws its own seeded masks. */
    public static Masks dynamicMasks(MlmMasker masker, long seed) {
        return (epoch, item, input, wordStarts) ->
                masker.mask(input, wordStarts, new SplittableRandom(Seeds.derive(seed, MASK_STREAM, epoch, item)));
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
        return MlmBatch.of(rows, specials.pad(), padTo, share.lossWeight(globalMasked), nextSentence,
                share.lossWeight(share.globalItems().length));
    }

    /** Instance {@code item}, framed and masked as epoch {@code epoch} masks it. */
    MlmInstance instance(int epoch, int item) {
        PackedInstance packed = instances.get(item);
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
        MlmMasker.Masked m = masks.mask(epoch, item, input, wordStarts);
        return new MlmInstance(input, types, m.positions(), m.labels(), packed.randomNext() ? 1 : 0);
    }
}
