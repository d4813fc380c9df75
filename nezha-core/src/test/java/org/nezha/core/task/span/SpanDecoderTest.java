package org.nezha.core.task.span;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.nezha.core.task.Feature;

/** The decoder on hand-made windows and scores. */
class SpanDecoderTest {
    /** Context "Hello 世界！": tokens hello, 世, 界, ！ at chars [0,5), [6,7), [7,8), [8,9). */
    private static final SpanExample HELLO = new SpanExample("h", "?", "Hello 世界！", List.of());

    /** A row [CLS] q [SEP] context tokens [SEP] over context characters [starts[i], ends[i]), all max-context unless listed. */
    private static Feature<SpanMapping> row(int example, int[] starts, int[] ends, int... notMaxContext) {
        int length = 3 + starts.length + 1;
        int[] s = new int[length], e = new int[length];
        boolean[] max = new boolean[length];
        Arrays.fill(s, -1);
        Arrays.fill(e, -1);
        for (int i = 0; i < starts.length; i++) {
            s[3 + i] = starts[i];
            e[3 + i] = ends[i];
            max[3 + i] = true;
        }
        for (int t : notMaxContext) max[t] = false;
        return new Feature<>(example, new int[length], new int[length], null, new SpanMapping(s, e, max));
    }

    private static Feature<SpanMapping> hello() {
        return row(0, new int[] {0, 6, 7, 8}, new int[] {5, 7, 8, 9});
    }

    /** Interleaved start and end scores, [length, 2] flattened. */
    private static float[] scores(float[] start, float[] end) {
        float[] out = new float[start.length * 2];
        for (int t = 0; t < start.length; t++) {
            out[2 * t] = start[t];
            out[2 * t + 1] = end[t];
        }
        return out;
    }

    private static SpanPrediction decode(SpanOptions options, SpanExample example, List<Feature<SpanMapping>> features, float[]... logits) {
        return new SpanDecoder(options).decode(List.of(example), features, List.of(logits)).getFirst();
    }

    @Test
    void takesTheBestValidPairAndTheContextsOwnCharacters() {
        // rows: 0 [CLS], 1 q, 2 [SEP], 3 Hello, 4 世, 5 界, 6 ！, 7 [SEP]
        float[] start = {9, 8, 0, 3, 2, 0, 0, 0}; // [CLS] and the question score highest but are no context
        float[] end = {9, 0, 7, 1, 0, 4, 0, 6}; // [SEP]s score high too
        SpanPrediction p = decode(SpanOptions.DEFAULTS, HELLO, List.of(hello()), scores(start, end));
        assertEquals(new SpanPrediction("Hello 世界", 0, 8, 7), p);
    }

    @Test
    void anEndBeforeItsStartOrAnAnswerTooLongDoesNotCount() {
        float[] start = {0, 0, 0, -5, 0, 5, 0, 0}; // best start 界
        float[] end = {0, 0, 0, 9, 2, 0, 3, 0}; // best end Hello, before it
        assertEquals("界！", decode(SpanOptions.DEFAULTS, HELLO, List.of(hello()), scores(start, end)).text());
        float[] far = {0, 0, 0, 5, -9, -9, -9, 0};
        float[] farEnd = {0, 0, 0, 0, 0, 1, 9, 0};
        assertEquals("Hello 世界", decode(new SpanOptions(64, 128, 3, 20), HELLO, List.of(hello()), scores(far, farEnd)).text(),
                "4 tokens Hello…！ are over the limit of 3");
    }

    @Test
    void onlyTheNBestStartsAndEndsArePaired() {
        float[] start = {9, 0, 0, 5, 0, 0, 0, 0}; // the best start, [CLS], is no context
        float[] end = {0, 0, 0, 5, 0, 0, 0, 0};
        assertEquals(SpanPrediction.NONE, decode(new SpanOptions(64, 128, 30, 1), HELLO, List.of(hello()), scores(start, end)));
        assertEquals("Hello", decode(new SpanOptions(64, 128, 30, 2), HELLO, List.of(hello()), scores(start, end)).text());
    }

    @Test
    void theNBestListIsHeadedByTheAnswerWithProbabilitiesAsHfs() {
        float[] start = {0, 0, 0, 3, 2, -9, -9, 0}; // top 3: Hello, 世, [CLS]
        float[] end = {0, 0, 0, 1, -9, 4, -9, 0}; // top 3: 界, Hello, [CLS]
        SpanOptions three = new SpanOptions(64, 128, 30, 3);
        List<SpanDecoder.Candidate> list = new SpanDecoder(three).nBest(List.of(HELLO), List.of(hello()), List.of(scores(start, end))).getFirst();
        // starts Hello (3) and 世 (2) with ends 界 (4) and Hello (1): Hello 世界 7, 世界 6, Hello 4 (世…Hello ends before it starts)
        assertEquals(List.of("Hello 世界", "世界", "Hello"), list.stream().map(c -> c.span().text()).toList());
        assertEquals(decode(three, HELLO, List.of(hello()), scores(start, end)), list.getFirst().span());
        double z = Math.exp(0) + Math.exp(-1) + Math.exp(-3);
        assertEquals(1 / z, list.get(0).probability(), 1e-12);
        assertEquals(Math.exp(-1) / z, list.get(1).probability(), 1e-12);
        assertEquals(Math.exp(-3) / z, list.get(2).probability(), 1e-12);
        assertEquals(2, new SpanDecoder(new SpanOptions(64, 128, 30, 2)).nBest(List.of(HELLO), List.of(hello()),
                List.of(scores(start, end))).getFirst().size(), "a list is cut at --n-best");
    }

    @Test
    void withoutACandidateTheAnswerIsEmpty() {
        Feature<SpanMapping> noContext = row(0, new int[0], new int[0]);
        SpanPrediction p = decode(SpanOptions.DEFAULTS, new SpanExample("e", "?", "", List.of()), List.of(noContext), new float[8]);
        assertEquals("", p.text());
    }

    /**
     * Two windows of "甲乙丙丁": window 0 holds 甲乙丙, window 1 乙丙丁, with 丙 best read in window 1 and 乙 in
     * window 0. Window 0's high score for a span starting at 丙 does not count; a start at 乙 there does.
     */
    @Test
    void aStartOnlyCountsInItsMaxContextWindow() {
        SpanExample e = new SpanExample("w", "?", "甲乙丙丁", List.of());
        Feature<SpanMapping> w0 = row(0, new int[] {0, 1, 2}, new int[] {1, 2, 3}, 5);
        Feature<SpanMapping> w1 = row(0, new int[] {1, 2, 3}, new int[] {2, 3, 4}, 3);
        float[] s0 = {-9, -9, -9, -9, -8, 9, -9}, e0 = {-9, -9, -9, -9, -9, 9, -9};
        float[] s1 = {-9, -9, -9, -9, 5, -9, -9}, e1 = {-9, -9, -9, -9, -9, 5, -9};
        assertEquals(new SpanPrediction("丙丁", 2, 4, 10), decode(SpanOptions.DEFAULTS, e, List.of(w0, w1), scores(s0, e0), scores(s1, e1)));
        float[] s1Low = {-9, -9, -9, -9, -8, -9, -9};
        assertEquals(new SpanPrediction("乙丙", 1, 3, 1), decode(SpanOptions.DEFAULTS, e, List.of(w0, w1), scores(s0, e0), scores(s1Low, e1)));
    }

    @Test
    void tiesGoToTheFirstWindowAndEachExampleGetsItsOwnWindows() {
        SpanExample a = new SpanExample("a", "?", "甲乙", List.of());
        SpanExample b = new SpanExample("b", "?", "丙丁", List.of());
        Feature<SpanMapping> a0 = row(0, new int[] {0}, new int[] {1});
        Feature<SpanMapping> b0 = row(1, new int[] {0, 1}, new int[] {1, 2});
        Feature<SpanMapping> a1 = row(0, new int[] {1}, new int[] {2});
        float[] one = scores(new float[] {0, 0, 0, 1, 0}, new float[] {0, 0, 0, 1, 0});
        float[] bScores = scores(new float[] {0, 0, 0, 0, 3, 0}, new float[] {0, 0, 0, 0, 3, 0});
        List<SpanPrediction> p = new SpanDecoder(SpanOptions.DEFAULTS).decode(List.of(a, b), List.of(a0, b0, a1), List.of(one, bScores, one));
        assertEquals(List.of(new SpanPrediction("甲", 0, 1, 2), new SpanPrediction("丁", 1, 2, 6)), p);
    }
}
