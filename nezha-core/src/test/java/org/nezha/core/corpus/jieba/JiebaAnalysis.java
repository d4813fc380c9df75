package org.nezha.core.corpus.jieba;

import com.huaban.analysis.jieba.JiebaSegmenter.SegMode;
import com.huaban.analysis.jieba.SegToken;
import java.util.BitSet;

/** The reference: jieba-analysis 1.0.2 itself, as nezha called it before it had a segmenter of its own. */
public final class JiebaAnalysis {
    private static final com.huaban.analysis.jieba.JiebaSegmenter SEGMENTER = new com.huaban.analysis.jieba.JiebaSegmenter();

    private JiebaAnalysis() {}

    /** Where {@code process(text, SegMode.SEARCH)} starts its tokens. */
    public static BitSet wordStarts(String text) {
        BitSet starts = new BitSet();
        for (SegToken token : SEGMENTER.process(text, SegMode.SEARCH)) starts.set(token.startOffset);
        return starts;
    }
}
