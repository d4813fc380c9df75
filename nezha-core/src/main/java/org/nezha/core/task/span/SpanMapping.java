package org.nezha.core.task.span;

/**
 * What decoding needs of one window of a context: for each token of the row, the context characters
 * it stands for, {@code context.substring(starts[t], ends[t])} (Java indices; −1 for [CLS], the
 * question and the [SEP]s), and whether this window is the token's max-context window (of the windows
 * holding the token, the one where it has most context on its nearer side, as HF's and Google's
 * {@code _check_is_max_context}), so an answer is only taken where its start is best read.
 */
public record SpanMapping(int[] starts, int[] ends, boolean[] maxContext) {
    /** Whether token {@code t} is a context token of this row. */
    public boolean inContext(int t) {
        return t < starts.length && starts[t] >= 0;
    }
}
