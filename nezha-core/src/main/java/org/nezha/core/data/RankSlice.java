package org.nezha.core.data;

/**
 * Which rows of every global batch a data-parallel process trains on: rank r of worldSize processes
 * takes every worldSize-th item of the batch, starting at position r (PyTorch's DistributedSampler
 * layout), so the ranks' t-th batches together are the t-th batch one process would train on.
 */
public record RankSlice(int rank, int worldSize) {
    /** A process training alone: the whole of every batch. */
    public static final RankSlice ALL = new RankSlice(0, 1);

    public RankSlice {
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("no rank " + rank + " among " + worldSize + " processes");
        }
    }
}
