package org.nezha.core.corpus;

import java.util.BitSet;
import org.nezha.core.corpus.jieba.JiebaSegmenter;

/**
 * Jieba's precise-mode segmentation (jieba-analysis' {@code SegMode.SEARCH}, with its HMM for unknown
 * words, as Python's {@code jieba.cut}) reduced to where words start. The segmenter loads on first use and
 * is read-only after, so one instance serves every thread.
 */
final class JiebaWords {
    private static final JiebaSegmenter SEGMENTER = JiebaSegmenter.load();

    private JiebaWords() {}

    /** The char offsets in {@code text} where jieba starts a word. */
    static BitSet wordStarts(String text) {
        return SEGMENTER.wordStarts(text);
    }
}
