package org.nezha.core.task.span;

/**
 * The predicted answer to one question.
 *
 * @param text the context's own characters from {@code start} to {@code end} (Java indices); empty, with
 *     start and end −1, when no window offered a candidate
 * @param score the start score of its first token plus the end score of its last
 */
public record SpanPrediction(String text, int start, int end, double score) {
    static final SpanPrediction NONE = new SpanPrediction("", -1, -1, Double.NEGATIVE_INFINITY);
}
