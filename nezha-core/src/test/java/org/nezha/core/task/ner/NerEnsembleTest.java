package org.nezha.core.task.ner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.nezha.core.InputException;
import org.nezha.core.config.NezhaConfig;
import org.nezha.core.task.Ensembling;
import org.nezha.core.task.Ensembling.Method;

/** Entity votes with their threshold, ties, weights and overlaps, and the mean of tag distributions, on hand-made predictions. */
class NerEnsembleTest {
    private static final Span PER = new Span("PER", 0, 2), ORG = new Span("ORG", 3, 5);

    private static double[] equal(int n) {
        return Ensembling.of(Method.VOTE, null, n).weights();
    }

    @Test
    void anEntityNeedsMoreThanHalfTheWeight() {
        assertEquals(List.of(PER, ORG), NerEnsemble.vote(List.of(List.of(PER, ORG), List.of(PER, ORG)), equal(2)));
        assertEquals(List.of(PER), NerEnsemble.vote(List.of(List.of(PER, ORG), List.of(PER), List.of(PER)), equal(3)), "ORG: 1 of 3");
        assertEquals(List.of(ORG), NerEnsemble.vote(List.of(List.of(PER, ORG), List.of(ORG), List.of(ORG)), equal(3)), "PER: 1 of 3");
        assertEquals(List.of(PER), NerEnsemble.vote(List.of(List.of(PER, ORG), List.of(PER)), equal(2)), "ORG: 1 of 2 is a tie, not kept");
        assertEquals(List.of(), NerEnsemble.vote(List.of(List.of(PER), List.of(PER), List.of(ORG), List.of(ORG)), equal(4)), "2 of 4");
        assertEquals(List.of(), NerEnsemble.vote(List.of(List.of(new Span("PER", 0, 2)), List.of(new Span("PER", 0, 3))), equal(2)),
                "boundaries must agree");
        assertEquals(List.of(), NerEnsemble.vote(List.of(List.of(PER), List.of(new Span("ORG", 0, 2))), equal(2)), "so must types");
    }

    @Test
    void weightsCountInsteadOfMembers() {
        double[] heavy = Ensembling.of(Method.WEIGHTED, new double[] {3, 1, 1}, 3).weights();
        assertEquals(List.of(PER), NerEnsemble.vote(List.of(List.of(PER), List.of(ORG), List.of(ORG)), heavy), "3 of 5 against 2 of 5");
        double[] tie = Ensembling.of(Method.WEIGHTED, new double[] {0.1, 0.2, 0.3}, 3).weights();
        assertEquals(List.of(), NerEnsemble.vote(List.of(List.of(PER), List.of(PER), List.of(ORG)), tie), ".1 + .2 against .3 is a tie");
        assertEquals(List.of(ORG), NerEnsemble.vote(List.of(List.of(PER), List.of(ORG), List.of(ORG)), tie));
    }

    @Test
    void overlapsGoToMoreVotesThenTheEarlierStartThenTheLonger() {
        // a member's own entities never overlap, so under a strict majority only hand-made lists can
        Span early = new Span("PER", 0, 2), late = new Span("ORG", 1, 3), longer = new Span("LOC", 0, 3);
        assertEquals(List.of(early), NerEnsemble.vote(List.of(List.of(early, late), List.of(early, late)), equal(2)), "same votes: earlier start");
        assertEquals(List.of(longer), NerEnsemble.vote(List.of(List.of(early, longer), List.of(early, longer)), equal(2)),
                "same votes and start: the longer");
        assertEquals(List.of(late), NerEnsemble.vote(List.of(List.of(early, late), List.of(early, late), List.of(late)), equal(3)),
                "more votes first");
    }

    @Test
    void theMeanAveragesDistributionsAndDecodesUnderTheSchemesRules() {
        TagSet tags = new TagSet(List.of("O", "B-PER", "I-PER"));
        TagDecoder decoder = new TagDecoder(tags, null);
        double[][] a = {{0.1, 0.8, 0.1}, {0.6, 0.1, 0.3}};
        double[][] b = {{0.5, 0.4, 0.1}, {0.2, 0.1, 0.7}};
        double[][] log = NerEnsemble.logOfMean(List.of(a, b), equal(2));
        assertEquals(Math.log(0.6), log[0][1], 1e-12);
        assertEquals(Math.log(0.5), log[1][2], 1e-12);
        assertEquals(List.of("B-PER", "I-PER"), decoder.best(log));
        double[][] c = {{0.1, 0.1, 0.8}, {0.1, 0.1, 0.8}}; // I-PER first is forbidden
        assertEquals(List.of("B-PER", "I-PER"), decoder.best(NerEnsemble.logOfMean(List.<double[][]>of(c), new double[] {1})));
    }

    @Test
    void aMeanRefusesAMemberWithACrf() {
        NezhaConfig crf = NezhaConfig.parse("""
                {"vocab_size": 100, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64,
                 "use_crf": true}""", "config.json");
        NerEnsemble mean = new NerTask().ensemble(Ensembling.of(Method.MEAN, null, 2));
        String message = assertThrows(InputException.class, () -> mean.admit(crf, Path.of("m"))).getMessage();
        assertTrue(message.startsWith("m: has a CRF (use_crf)") && message.contains("use --method vote"), message);
        new NerTask().ensemble(Ensembling.of(Method.VOTE, null, 2)).admit(crf, Path.of("m")); // a vote takes it
    }
}
