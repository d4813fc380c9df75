package org.nezha.core.task.ner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** Windows hold whole words within the budget, advance by about half a window, cover the sentence, and own each word once. */
class WordWindowsTest {
    @Test
    void coverEverySentenceAndOwnEachWordInAWindowHoldingIt() {
        SplittableRandom random = new SplittableRandom(5);
        for (int trial = 0; trial < 2000; trial++) {
            int budget = 1 + random.nextInt(12), n = random.nextInt(30);
            int[] pieces = new int[n];
            for (int i = 0; i < n; i++) pieces[i] = random.nextInt(4) == 0 ? 1 + random.nextInt(budget) : 1;
            List<WordWindows.Window> windows = WordWindows.split(pieces, budget);
            String what = "budget " + budget + ", pieces " + java.util.Arrays.toString(pieces);
            assertEquals(0, windows.getFirst().start(), what);
            assertEquals(n, windows.getLast().end(), what);
            for (int w = 0; w < windows.size(); w++) {
                WordWindows.Window window = windows.get(w);
                int used = 0;
                for (int i = window.start(); i < window.end(); i++) used += pieces[i];
                assertTrue(used <= budget, what);
                assertTrue(window.end() > window.start() || n == 0, what);
                if (w > 0) {
                    WordWindows.Window before = windows.get(w - 1);
                    assertTrue(window.start() > before.start() && window.start() <= before.end(), what + ": no gap, always on");
                    assertTrue(window.end() >= before.end(), what);
                }
            }
            int[] owners = WordWindows.owners(pieces, windows);
            for (int i = 0; i < n; i++) {
                WordWindows.Window owner = windows.get(owners[i]);
                assertTrue(owner.start() <= i && i < owner.end(), what + ": word " + i);
            }
        }
    }

    /** Ten one-piece words in windows of 6, stride 3: [0, 6), [3, 9), [6, 10); each word goes where it is most central. */
    @Test
    void ownsEachWordWhereItHasTheMostContext() {
        int[] pieces = new int[10];
        java.util.Arrays.fill(pieces, 1);
        List<WordWindows.Window> windows = WordWindows.split(pieces, 6);
        assertEquals(List.of(new WordWindows.Window(0, 6), new WordWindows.Window(3, 9), new WordWindows.Window(6, 10)), windows);
        // word 4: 1 word of context on its short side in both the first and the second window (a tie: the first);
        // word 5: 0 in the first, 2 in the second; word 8: 0 in the second, 1 in the third
        assertEquals(List.of(0, 0, 0, 0, 0, 1, 1, 1, 2, 2), java.util.Arrays.stream(WordWindows.owners(pieces, windows)).boxed().toList());
    }
}
