package org.nezha.core.model;

import org.bytedeco.pytorch.Tensor;

/**
 * An encoder with a task head, laid out as HF's {@code …For<Task>} class so HF loads the directory.
 * The trainer, evaluation and prediction only ever call these two methods.
 */
public interface TaskModel extends NezhaModel {
    /** A target position that takes no loss (torch's ignore_index). */
    long IGNORED = -100;

    /**
     * The head's scores for a batch (int64 [B, L] inputs; mask 1 = token): [B, C] for sequence
     * classification, [B, L, T] for token tagging, [B, L, 2] (start, end) for span extraction.
     */
    Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training);

    /**
     * {@code weight} × the sum over the batch's rows of each row's loss (a row's loss is the mean over
     * its scored positions where it has several), against int64 targets [B, K] padded with
     * {@link #IGNORED}. Weight 1 / B gives the batch mean; data-parallel training passes
     * processes / rows of the global batch.
     */
    Tensor loss(Tensor logits, Tensor targets, Tensor attentionMask, double weight);
}
