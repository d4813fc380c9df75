package org.nezha.core.corpus;

import java.util.BitSet;
import java.util.Objects;
import org.nezha.core.corpus.jieba.JiebaSegmenter;

/**
 * Jieba's precise-mode segmentation (jieba-analysis' {@code SegMode.SEARCH}, with its HMM for unknown
 * words, as Python's {@code jieba.cut}) reduced to where words start. The segmenter loads once, on first
 * use or from {@link #loadInBackground}, and is read-only after, so one instance serves every thread.
 */
final class JiebaWords {
    private JiebaWords() {}

    /** The char offsets in {@code text} where jieba starts a word. */
    static BitSet wordStarts(String text) {
        return Loaded.SEGMENTER.wordStarts(text);
    }

    /**
     * Starts loading on a thread of its own, so that the load overlaps the work before the first line; the
     * first {@link #wordStarts} waits for it (a failure shows there, as the cause of NoClassDefFoundError).
     */
    static void loadInBackground() {
        Thread.ofPlatform().daemon().name("jieba-load").start(() -> {
            try {
                Objects.requireNonNull(Loaded.SEGMENTER);
            } catch (Throwable reportedByWordStarts) {
                // the class stays uninitialised and says why at its next use
            }
        });
    }

    /** Initialised (the segmenter loaded) on first access, once, whichever thread comes first. */
    private static final class Loaded {
        static final JiebaSegmenter SEGMENTER = JiebaSegmenter.load();
    }
}
