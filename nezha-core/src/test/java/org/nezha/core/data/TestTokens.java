package org.nezha.core.data;

/** Test helpers: a vocabulary whose special tokens are ids 0–4. */
final class TestTokens {
    static final SpecialTokens SPECIALS = new SpecialTokens(2, 3, 0, 4, 1, 1000);

    private TestTokens() {}
}
