package org.nezha.core.task.ner;

/** An entity over words {@code start} (inclusive) to {@code end} (exclusive) of a sentence. */
public record Span(String type, int start, int end) {
    public Span {
        if (start < 0 || end <= start) throw new IllegalArgumentException("bad span [" + start + ", " + end + ")");
    }
}
