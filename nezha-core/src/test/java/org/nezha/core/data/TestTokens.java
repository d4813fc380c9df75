package org.nezha.core.data;

import java.util.Arrays;

/** Test helpers: a vocabulary whose special tokens are ids 0–4 and an encoder that reads ids written as numbers. */
final class TestTokens {
    static final SpecialTokens SPECIALS = new SpecialTokens(2, 3, 0, 4, 1, 1000);

    /** "7 8 9" → [7, 8, 9]; blank text → []. */
    static final TextEncoder NUMBERS = text -> text.isBlank() ? new int[0]
            : Arrays.stream(text.trim().split("\\s+")).mapToInt(Integer::parseInt).toArray();

    private TestTokens() {}
}
