package org.nezha.core.data;

import java.util.Iterator;

/**
 * Endless, resumable batches over epochs: an {@link EpochSchedule} says which items make batch i of
 * epoch e (this rank's rows of global batch i), a subclass builds the batch from them. Any batch can
 * be rebuilt on its own, so {@link #seek} resumes exactly; iteration never ends, the caller decides
 * when to stop.
 */
public abstract sealed class EpochBatcher<B> implements Iterator<B> permits MlmBatcher, TaskBatcher {
    protected final EpochSchedule schedule;

    protected EpochBatcher(EpochSchedule schedule) {
        this.schedule = schedule;
    }

    /** Batch {@code batchIndex} of {@code epoch}; does not move the cursor. */
    public abstract B batch(int epoch, int batchIndex);

    /** Global batches per epoch, the same on every data-parallel rank; the last may hold fewer items. */
    public int batchesPerEpoch() {
        return schedule.batchesPerEpoch();
    }

    /** What a saved position depends on. */
    public BatchLayout layout() {
        return schedule.layout();
    }

    /** The batch {@link #next} returns next. */
    public BatchPosition position() {
        return schedule.position();
    }

    public void seek(int epoch, int batchIndex) {
        schedule.seek(epoch, batchIndex);
    }

    /** Always true: iteration runs on into the next epoch. */
    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public B next() {
        BatchPosition position = schedule.advance();
        return batch(position.epoch(), position.batchIndex());
    }
}
