package org.nezha.core.task.span;

import java.util.List;

/**
 * One question on a passage, as SQuAD v1.1 JSON (CMRC 2018) gives it.
 *
 * @param id the question's id, the key of its prediction
 * @param answers the reference answers, in file order; empty when read for prediction
 */
public record SpanExample(String id, String question, String context, List<Answer> answers) {
    public SpanExample {
        answers = List.copyOf(answers);
    }

    /** The answer training aims at: the first that is a span of the context (HF trains on the first); null when none is. */
    public Answer target() {
        for (Answer a : answers) {
            if (a.start() >= 0) return a;
        }
        return null;
    }

    /**
     * A reference answer.
     *
     * @param start where the text is in the context, as a Java (UTF-16) index; -1 for a reference that is
     *     no span of the context (CMRC 2018's dev set has such answers, with answer_start −1), which
     *     counts for the metrics only
     * @param repaired whether the file's answer_start did not point at the text, so the occurrence of
     *     the text nearest to it was taken
     */
    public record Answer(String text, int start, boolean repaired) {
        /** Just after the text in the context. */
        public int end() {
            return start + text.length();
        }
    }
}
