package org.nezha.core.tokenizer;

/**
 * How many tokens of a pair survive HF's slow-tokenizer "longest_first" truncation. HF removes one
 * token at a time from the end of the longer sequence, and from the second one on a tie; this is
 * the closed form of that loop. (HF's fast Rust tokenizer splits an odd budget the other way round
 * when both sequences are cut and the first is not the longer: the slow rule is the reference.)
 */
final class LongestFirstTruncation {
    private LongestFirstTruncation() {}

    /** Kept token counts of the two sequences. */
    record Kept(int first, int second) {}

    /** Lengths that fit {@code budget} tokens (special tokens already subtracted) for a pair. */
    static Kept keep(int firstLength, int secondLength, int budget) {
        if (budget < 0) {
            throw new IllegalArgumentException("negative truncation budget " + budget);
        }
        int first = firstLength;
        int second = secondLength;
        int toRemove = Math.max(0, first + second - budget);
        // Cut the longer one down to the shorter's length first.
        int cut = Math.min(toRemove, Math.abs(first - second));
        if (first > second) {
            first -= cut;
        } else {
            second -= cut;
        }
        toRemove -= cut;
        // Equal lengths now: removals alternate, starting with the second sequence.
        second -= (toRemove + 1) / 2;
        first -= toRemove / 2;
        return new Kept(first, second);
    }
}
