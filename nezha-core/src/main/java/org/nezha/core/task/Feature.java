package org.nezha.core.task;

import org.nezha.core.model.TaskModel;

/**
 * One model row made from an example (or from a window of a long one): its inputs, the targets its
 * loss needs, and which example it came from, so predictions can be mapped back.
 *
 * @param example index of the example in the list the encoder was given
 * @param targets what the head's loss compares against, task-specific: sequence classification
 *     {label index}; token tagging one tag index per input token, {@link TaskModel#IGNORED} where no loss is
 *     taken ([CLS], [SEP], pieces after a word's first, a window's overlap); span extraction {start,
 *     end} token positions (0, 0: the answer is not in this window). null when the example has no labels
 * @param mapping what decoding needs to map this row's outputs back to its example (token offsets,
 *     the window's place, word ids), task-specific; null when nothing is needed
 */
public record Feature<M>(int example, int[] inputIds, int[] tokenTypeIds, long[] targets, M mapping) {}
