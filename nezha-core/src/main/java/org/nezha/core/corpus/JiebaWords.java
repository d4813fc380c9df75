package org.nezha.core.corpus;

import com.huaban.analysis.jieba.JiebaSegmenter;
import com.huaban.analysis.jieba.SegToken;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.BitSet;

/**
 * Jieba's precise-mode segmentation (jieba-analysis' {@code SegMode.SEARCH}, with its HMM for unknown
 * words, as Python's {@code jieba.cut}) reduced to where words start. The segmenter keeps its
 * dictionary in static state, read-only once loaded, so one instance serves every thread.
 */
final class JiebaWords {
    private static final JiebaSegmenter SEGMENTER = loadQuietly();

    private JiebaWords() {}

    /** The char offsets in {@code text} where jieba starts a word. */
    static BitSet wordStarts(String text) {
        BitSet starts = new BitSet(text.length());
        for (SegToken token : SEGMENTER.process(text, JiebaSegmenter.SegMode.SEARCH)) starts.set(token.startOffset);
        return starts;
    }

    /** Loading the dictionary prints a timing line on standard output, where a command's results go. */
    private static JiebaSegmenter loadQuietly() {
        synchronized (System.class) {
            PrintStream out = System.out;
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                return new JiebaSegmenter();
            } finally {
                System.setOut(out);
            }
        }
    }
}
