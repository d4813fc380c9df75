package org.nezha.core.task.span;

import org.nezha.core.OptionChecks;

/**
 * The settings of span extraction, with the defaults of HF's run_qa.py and the CMRC 2018 baseline.
 *
 * @param maxQueryLength question tokens kept (the rest is cut), as the CMRC/Google baseline's
 *     max_query_length (HF's run_qa.py never cuts the question)
 * @param docStride context tokens that consecutive windows of a long context share, as HF's run_qa.py's
 *     doc_stride (the CMRC/Google baseline's doc_stride is instead the step between window starts)
 * @param maxAnswerLength the longest answer predicted, in tokens
 * @param nBest the start and end candidates tried per window, as n_best_size
 */
public record SpanOptions(int maxQueryLength, int docStride, int maxAnswerLength, int nBest) {
    public static final SpanOptions DEFAULTS = new SpanOptions(64, 128, 30, 20);

    public SpanOptions {
        OptionChecks.atLeast("--max-query-length", maxQueryLength, 1);
        OptionChecks.atLeast("--doc-stride", docStride, 0);
        OptionChecks.atLeast("--max-answer-length", maxAnswerLength, 1);
        OptionChecks.atLeast("--n-best", nBest, 1);
    }
}
