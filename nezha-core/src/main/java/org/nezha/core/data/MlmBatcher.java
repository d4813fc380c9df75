package org.nezha.core.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Endless masked-LM batches over epochs: the sequence order is reshuffled every epoch and every
 * sequence is masked afresh (dynamic masking). Shuffle and masks derive from (seed, epoch,
 * sequence), so any batch can be rebuilt on its own and {@link #seek} resumes exactly.
 */
public final class MlmBatcher implements Iterator<MlmBatch> {
    private static final long MASK_STREAM = 2;

    private final List<int[]> sequences;
    private final MlmMasker masker;
    private final int padTo;
    private final long seed;
    private final EpochSchedule schedule;

    /**
     * @param sequences token ids without special tokens, as {@link SequencePacker} gives them
     * @param padTo     pad every batch to this length, or 0 to pad to the longest row of each batch
     */
    public MlmBatcher(List<int[]> sequences, MlmMasker masker, int batchSize, int padTo, long seed) {
        this.sequences = List.copyOf(sequences);
        this.masker = masker;
        this.padTo = padTo;
        this.seed = seed;
        this.schedule = new EpochSchedule(this.sequences.size(), batchSize, true, seed);
    }

    public int size() {
        return sequences.size();
    }

    /** Batches per epoch; the last may hold fewer sequences. */
    public int batchesPerEpoch() {
        return schedule.batchesPerEpoch();
    }

    /** Batch {@code batchIndex} of {@code epoch}; does not move the cursor. */
    public MlmBatch batch(int epoch, int batchIndex) {
        List<MlmInstance> instances = new ArrayList<>();
        for (int item : schedule.members(epoch, batchIndex)) {
            SplittableRandom random = new SplittableRandom(Seeds.derive(seed, MASK_STREAM, epoch, item));
            instances.add(masker.mask(sequences.get(item), random));
        }
        return MlmBatch.of(instances, masker.specials().pad(), padTo);
    }

    /** The batch {@link #next} returns next. */
    public BatchPosition position() {
        return schedule.position();
    }

    public void seek(int epoch, int batchIndex) {
        schedule.seek(epoch, batchIndex);
    }

    /** Always true: iteration runs on into the next epoch; the trainer decides when to stop. */
    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public MlmBatch next() {
        BatchPosition position = schedule.advance();
        return batch(position.epoch(), position.batchIndex());
    }
}
