package org.nezha.core.corpus;

/** One sentence's token ids and, for each token, whether it starts a word; both arrays have the same length. */
public record TokenizedSentence(int[] ids, boolean[] wordStarts) {
    public TokenizedSentence {
        if (ids.length != wordStarts.length) {
            throw new IllegalArgumentException(ids.length + " ids but " + wordStarts.length + " word-start marks");
        }
    }

    public int length() {
        return ids.length;
    }
}
