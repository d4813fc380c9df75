package org.nezha.core.task.span;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.nezha.core.InputException;
import org.nezha.core.task.Feature;
import org.nezha.core.tokenizer.BertTokenizer;
import org.nezha.core.tokenizer.TokenOffsets;

/**
 * Questions on passages as model rows {@code [CLS] question [SEP] window [SEP]} (token types 0, then 1
 * from the window on), the question cut to {@code maxQueryLength} tokens and a long context cut into
 * windows that share {@code docStride} tokens, as HF's run_qa.py with a fast tokenizer: windows start
 * every (room − docStride) tokens, each as long as the row allows, until one reaches the end.
 * A training row aims at the answer's first and last token when the window holds the whole answer, and
 * at [CLS] (0, 0) when it does not, as HF trains SQuAD v1.
 */
final class SpanEncoder {
    private final SpanOptions options;

    SpanEncoder(SpanOptions options) {
        this.options = options;
    }

    List<Feature<SpanMapping>> encode(List<SpanExample> examples, BertTokenizer tokenizer, int seqLen, boolean withTargets) {
        int leastRoom = seqLen - 3 - options.maxQueryLength();
        if (leastRoom <= options.docStride()) {
            throw new InputException("--doc-stride " + options.docStride() + " must be less than the context tokens a row of "
                    + seqLen + " holds after a question of --max-query-length " + options.maxQueryLength() + " (" + Math.max(0, leastRoom)
                    + "): raise --seq-len to at least " + (options.docStride() + options.maxQueryLength() + 4) + " or lower them");
        }
        List<Feature<SpanMapping>> features = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            SpanExample example = examples.get(i);
            if (withTargets && example.target() == null) {
                throw new IllegalArgumentException("question " + example.id() + " has no answer in its context to train on");
            }
            int[] question = tokenizer.tokenIds(example.question());
            question = Arrays.copyOf(question, Math.min(question.length, options.maxQueryLength()));
            TokenOffsets context = tokenizer.tokenOffsets(example.context());
            int[][] windows = windows(context.ids().length, seqLen - 3 - question.length);
            for (int w = 0; w < windows.length; w++) {
                features.add(row(i, question, context, windows, w, withTargets ? example.target() : null, tokenizer));
            }
        }
        return features;
    }

    /** [start, end) of each window over {@code tokens} context tokens, each at most {@code room} long. */
    int[][] windows(int tokens, int room) {
        List<int[]> windows = new ArrayList<>();
        for (int start = 0; ; start += room - options.docStride()) {
            int end = Math.min(start + room, tokens);
            windows.add(new int[] {start, end});
            if (end == tokens) return windows.toArray(int[][]::new);
        }
    }

    private static Feature<SpanMapping> row(int example, int[] question, TokenOffsets context, int[][] windows, int w,
            SpanExample.Answer answer, BertTokenizer tokenizer) {
        int from = windows[w][0], to = windows[w][1];
        int first = question.length + 2; // the window's first token in the row
        int length = first + (to - from) + 1;
        int[] ids = new int[length];
        int[] types = new int[length];
        int[] starts = new int[length];
        int[] ends = new int[length];
        boolean[] maxContext = new boolean[length];
        Arrays.fill(starts, -1);
        Arrays.fill(ends, -1);
        ids[0] = tokenizer.vocab().clsId();
        System.arraycopy(question, 0, ids, 1, question.length);
        ids[first - 1] = tokenizer.vocab().sepId();
        System.arraycopy(context.ids(), from, ids, first, to - from);
        System.arraycopy(context.starts(), from, starts, first, to - from);
        System.arraycopy(context.ends(), from, ends, first, to - from);
        ids[length - 1] = tokenizer.vocab().sepId();
        Arrays.fill(types, first, length, 1);
        for (int t = from; t < to; t++) maxContext[first + t - from] = isMaxContext(windows, w, t);
        long[] targets = answer == null ? null : target(answer, starts, ends, first, length - 1);
        return new Feature<>(example, ids, types, targets, new SpanMapping(starts, ends, maxContext));
    }

    /**
     * The answer's first token (the last whose characters start at or before it) and last token (the
     * first whose characters end at or after it) among the row's context tokens [first, end), or [CLS]
     * for both when the window does not hold the whole answer.
     */
    private static long[] target(SpanExample.Answer answer, int[] starts, int[] ends, int first, int end) {
        if (first == end || starts[first] > answer.start() || ends[end - 1] < answer.end()) return new long[] {0, 0};
        int s = end - 1;
        while (starts[s] > answer.start()) s--;
        int e = first;
        while (ends[e] < answer.end()) e++;
        return e < s ? new long[] {0, 0} : new long[] {s, e};
    }

    /**
     * Whether window {@code w} is the one of those holding context token {@code t} where the token has
     * most context on its nearer side, the longer window winning near ties and the first window exact
     * ones (Google's {@code _check_is_max_context}: min(left, right) + 0.01 × length).
     */
    static boolean isMaxContext(int[][] windows, int w, int t) {
        double best = -1;
        int bestWindow = -1;
        for (int i = 0; i < windows.length; i++) {
            int start = windows[i][0], last = windows[i][1] - 1;
            if (t < start || t > last) continue;
            double score = Math.min(t - start, last - t) + 0.01 * (last - start + 1);
            if (score > best) {
                best = score;
                bestWindow = i;
            }
        }
        return bestWindow == w;
    }
}
