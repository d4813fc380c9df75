package org.nezha.core.task.span;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.nezha.core.task.span.SpanDecoder.Candidate;

/** How members' n-best answers combine: probabilities summed per character span, or answers voted for. */
class SpanEnsembleTest {
    private static final String CONTEXT = "北京是中国的首都。";

    private static Candidate c(int start, int end, double probability) {
        return new Candidate(new SpanPrediction(CONTEXT.substring(start, end), start, end, 0), probability);
    }

    private static SpanPrediction mean(double[] weights, List<List<Candidate>> members) {
        return SpanEnsemble.combine(members, weights, false);
    }

    private static SpanPrediction vote(double[] weights, List<List<Candidate>> members) {
        return SpanEnsemble.combine(members, weights, true);
    }

    @Test
    void theMeanSumsEachSpansProbabilitiesOverTheMembers() {
        List<Candidate> a = List.of(c(0, 2, 0.6), c(3, 5, 0.4)); // 北京 .6, 中国 .4
        List<Candidate> b = List.of(c(3, 5, 0.5), c(0, 2, 0.1), c(6, 8, 0.4)); // 中国 .5, 北京 .1, 首都 .4
        SpanPrediction p = mean(new double[] {0.5, 0.5}, List.of(a, b));
        assertEquals("中国", p.text()); // 中国 .45 > 北京 .35 > 首都 .2, though each member's best differs
        assertEquals(3, p.start());
        assertEquals(0.45, p.score(), 1e-12);
        assertEquals("北京", mean(new double[] {0.8, 0.2}, List.of(a, b)).text(), "北京 .5 > 中国 .42 with weights 4:1");
    }

    @Test
    void spansAreCharacterRangesSoTheSameTextElsewhereIsAnotherSpan() {
        String context = "中国和中国";
        List<Candidate> a = List.of(new Candidate(new SpanPrediction("中国", 0, 2, 0), 0.55), new Candidate(new SpanPrediction("中国", 3, 5, 0), 0.45));
        List<Candidate> b = List.of(new Candidate(new SpanPrediction("中国", 3, 5, 0), 0.6), new Candidate(new SpanPrediction("和", 2, 3, 0), 0.4));
        SpanPrediction p = mean(new double[] {0.5, 0.5}, List.of(a, b));
        assertEquals(3, p.start(), context);
        assertEquals(0.525, p.score(), 1e-12);
    }

    @Test
    void aVoteTakesTheMostVotedAnswerAndBreaksTiesBySummedProbability() {
        List<Candidate> a = List.of(c(0, 2, 0.9), c(3, 5, 0.1));
        List<Candidate> b = List.of(c(3, 5, 0.5), c(0, 2, 0.45));
        List<Candidate> d = List.of(c(3, 5, 0.4), c(0, 2, 0.35));
        double third = 1.0 / 3;
        assertEquals("中国", vote(new double[] {third, third, third}, List.of(a, b, d)).text(), "two votes beat .57 of 北京's probability");
        assertEquals("北京", vote(new double[] {0.5, 0.5}, List.of(a, b)).text(), "1:1, 北京 .675 > 中国 .3");
        assertEquals("北京", vote(new double[] {0.6, 0.2, 0.2}, List.of(a, b, d)).text(), "weights .6 against .4");
    }

    @Test
    void identicalMembersGiveTheMembersAnswerAndNoCandidatesAnEmptyOne() {
        List<Candidate> a = List.of(c(6, 8, 0.5), c(0, 2, 0.5)); // a tie: the first, as the decoder
        for (boolean v : new boolean[] {false, true}) {
            assertEquals("首都", SpanEnsemble.combine(List.of(a, a), new double[] {0.5, 0.5}, v).text());
            assertEquals(SpanPrediction.NONE, SpanEnsemble.combine(List.of(List.of(), List.of()), new double[] {0.5, 0.5}, v));
            assertEquals("北京", SpanEnsemble.combine(List.of(List.of(), List.of(c(0, 2, 1))), new double[] {0.5, 0.5}, v).text(),
                    "a member without candidates adds nothing");
        }
    }
}
