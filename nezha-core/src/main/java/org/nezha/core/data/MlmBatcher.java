package org.nezha.core.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Endless masked-LM batches over epochs: the sequence order is reshuffled every epoch and every
 * sequence is masked afresh (dynamic masking). Shuffle and masks derive from (seed, epoch,
 * sequence), so any batch can be rebuilt on its own and {@link #seek} resumes exactly.
 */
public final class MlmBatcher extends EpochBatcher<MlmBatch> {
    private static final long MASK_STREAM = 2;

    private final List<int[]> sequences;
    private final MlmMasker masker;
    private final int padTo;
    private final long seed;

    /**
     * @param sequences token ids without special tokens, as {@link SequencePacker} gives them
     * @param padTo     pad every batch to this length, or 0 to pad to the longest row of each batch
     */
    public MlmBatcher(List<int[]> sequences, MlmMasker masker, int batchSize, int padTo, long seed) {
        super(new EpochSchedule(sequences.size(), batchSize, true, seed));
        this.sequences = List.copyOf(sequences);
        this.masker = masker;
        this.padTo = padTo;
        this.seed = seed;
    }

    public int size() {
        return sequences.size();
    }

    @Override
    public MlmBatch batch(int epoch, int batchIndex) {
        List<MlmInstance> instances = new ArrayList<>();
        for (int item : schedule.members(epoch, batchIndex)) {
            SplittableRandom random = new SplittableRandom(Seeds.derive(seed, MASK_STREAM, epoch, item));
            instances.add(masker.mask(sequences.get(item), random));
        }
        return MlmBatch.of(instances, masker.specials().pad(), padTo);
    }
}
