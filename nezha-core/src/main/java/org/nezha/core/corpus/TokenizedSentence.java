package org.nezha.core.corpus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

    /**
     * This sentence cut into consecutive pieces of at most {@code maxTokens} tokens, so that a sentence
     * longer than a whole sequence is trained on in parts rather than truncated away; itself when it fits.
     */
    public List<TokenizedSentence> pieces(int maxTokens) {
        if (ids.length <= maxTokens) return List.of(this);
        List<TokenizedSentence> pieces = new ArrayList<>();
        for (int from = 0; from < ids.length; from += maxTokens) {
            int to = Math.min(ids.length, from + maxTokens);
            pieces.add(new TokenizedSentence(Arrays.copyOfRange(ids, from, to), Arrays.copyOfRange(wordStarts, from, to)));
        }
        return pieces;
    }
}
