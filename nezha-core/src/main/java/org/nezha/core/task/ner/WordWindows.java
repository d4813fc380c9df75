package org.nezha.core.task.ner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a sentence whose words take {@code pieces[i]} word pieces each into windows of whole words, at most
 * {@code budget} pieces each, the next starting about half a window (in pieces) after the last: HF's
 * doc_stride of half the window, on word boundaries. Each word is owned by the one window where it sits most
 * central — the most pieces on its less crowded side, the earlier window on a tie — as HF's question answering
 * picks a token's "max context" window; so every word is predicted exactly once.
 */
final class WordWindows {
    /** Words [start, end) of the sentence. */
    record Window(int start, int end) {}

    private WordWindows() {}

    /** @param pieces each word's piece count, at least 1 and at most {@code budget} */
    static List<Window> split(int[] pieces, int budget) {
        List<Window> windows = new ArrayList<>();
        int stride = Math.max(1, budget / 2);
        int start = 0;
        while (true) {
            int end = start, used = 0;
            while (end < pieces.length && used + pieces[end] <= budget) used += pieces[end++];
            windows.add(new Window(start, end));
            if (end == pieces.length) return windows;
            int next = start, advanced = 0;
            while (next < end && advanced < stride) advanced += pieces[next++]; // at least one word on, never past end
            start = next;
        }
    }

    /** The index of the window that owns each word. */
    static int[] owners(int[] pieces, List<Window> windows) {
        int[] owner = new int[pieces.length];
        int[] best = new int[pieces.length];
        Arrays.fill(best, -1);
        for (int w = 0; w < windows.size(); w++) {
            Window window = windows.get(w);
            int total = 0;
            for (int i = window.start(); i < window.end(); i++) total += pieces[i];
            int before = 0;
            for (int i = window.start(); i < window.end(); i++) {
                int context = Math.min(before, total - before - pieces[i]);
                if (context > best[i]) {
                    best[i] = context;
                    owner[i] = w;
                }
                before += pieces[i];
            }
        }
        return owner;
    }
}
