package org.nezha.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LongestFirstTruncationTest {
    /** HF's slow {@code truncate_sequences} loop for "longest_first", spelled out. */
    private static LongestFirstTruncation.Kept hfLoop(int first, int second, int budget) {
        for (int remove = first + second - budget; remove > 0; remove--) {
            if (first > second) {
                first--;
            } else {
                second--;
            }
        }
        return new LongestFirstTruncation.Kept(first, second);
    }

    @Test
    void equalsHfLoopForAllSmallLengths() {
        for (int first = 0; first <= 40; first++) {
            for (int second = 0; second <= 40; second++) {
                for (int budget = 0; budget <= 45; budget++) {
                    assertEquals(hfLoop(first, second, budget), LongestFirstTruncation.keep(first, second, budget),
                            first + "+" + second + " into " + budget);
                }
            }
        }
    }

    @Test
    void nothingIsCutWhenThePairFits() {
        assertEquals(new LongestFirstTruncation.Kept(3, 4), LongestFirstTruncation.keep(3, 4, 7));
        assertEquals(new LongestFirstTruncation.Kept(3, 4), LongestFirstTruncation.keep(3, 4, 100));
    }

    @Test
    void onlyTheLongerIsCutWhileItStaysLonger() {
        assertEquals(new LongestFirstTruncation.Kept(3, 7), LongestFirstTruncation.keep(3, 20, 10));
        assertEquals(new LongestFirstTruncation.Kept(7, 3), LongestFirstTruncation.keep(20, 3, 10));
    }

    @Test
    void tiesCutTheSecondFirstSoAnOddBudgetFavoursTheFirst() {
        assertEquals(new LongestFirstTruncation.Kept(5, 4), LongestFirstTruncation.keep(5, 5, 9));
        // HF's fast (Rust) tokenizer gives 6+7 here and 2+3 below; the slow BertTokenizer is the reference.
        assertEquals(new LongestFirstTruncation.Kept(7, 6), LongestFirstTruncation.keep(61, 30, 13));
        assertEquals(new LongestFirstTruncation.Kept(3, 2), LongestFirstTruncation.keep(20, 20, 5));
        assertEquals(new LongestFirstTruncation.Kept(4, 4), LongestFirstTruncation.keep(20, 20, 8));
    }

    @Test
    void zeroBudgetKeepsNothing() {
        assertEquals(new LongestFirstTruncation.Kept(0, 0), LongestFirstTruncation.keep(4, 9, 0));
    }
}
