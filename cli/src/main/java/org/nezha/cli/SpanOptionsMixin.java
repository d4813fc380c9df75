package org.nezha.cli;

import picocli.CommandLine.Option;

import org.nezha.core.task.TaskOptions;

/** The options of span extraction's windows and decoding: part of {@link TaskOptionsMixin}, and ensemble's own. */
final class SpanOptionsMixin {
    @Option(names = "--doc-stride", paramLabel = "N", description = "span: tokens that consecutive windows of a long context share "
            + "(HF's doc_stride). Default: 128.")
    Integer docStride;

    @Option(names = "--max-query-length", paramLabel = "N", description = "span: the most tokens of a question kept. Default: 64.")
    Integer maxQueryLength;

    @Option(names = "--max-answer-length", paramLabel = "N", description = "span: the most tokens of a predicted answer. Default: 30.")
    Integer maxAnswerLength;

    @Option(names = "--n-best", paramLabel = "N", description = "span: start and end candidates per window the decoder weighs. Default: 20.")
    Integer nBest;

    /** These options, the others the tasks' defaults. */
    TaskOptions options() {
        return new TaskOptions(null, null, docStride, maxQueryLength, maxAnswerLength, nBest, null, null, null);
    }
}
