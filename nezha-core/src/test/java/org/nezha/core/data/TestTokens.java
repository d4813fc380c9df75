package org.nezha.core.data;

import java.util.Arrays;
import java.util.function.Function;

import org.nezha.core.corpus.TokenizedSentence;

/** Test helpers: a vocabulary whose special tokens are ids 0–4 and an encoder that reads ids written as numbers. */
final class TestTokens {
    static final SpecialTokens SPECIALS = new SpecialTokens(2, 3, 0, 4, 1, 1000);

    /** "7 8 9" → [7, 8, 9], every token a word; blank text → []. */
    static final Function<String, TokenizedSentence> NUMBERS = text -> {
        int[] ids = text.isBlank() ? new int[0] : Arrays.stream(text.trim().split("\\s+")).mapToInt(Integer::parseInt).toArray();
        boolean[] starts = new boolean[ids.length];
        Arrays.fill(starts, true);
        return new TokenizedSentence(ids, starts);
    };

    private TestTokens() {}
}
