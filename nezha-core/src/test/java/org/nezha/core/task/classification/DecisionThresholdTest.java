package org.nezha.core.task.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import org.nezha.core.InputException;
import org.nezha.core.config.NezhaConfig;
import org.nezha.core.data.TaskKind;

/** The threshold search picks the F1-maximising cut, and a stored threshold decides binary labels. */
class DecisionThresholdTest {
    /** The fields a config.json needs, with two labels. */
    private static final String MODEL = "\"vocab_size\": 10, \"hidden_size\": 4, \"num_hidden_layers\": 1, \"num_attention_heads\": 1, "
            + "\"intermediate_size\": 8, \"id2label\": {\"0\": \"0\", \"1\": \"1\"}";

    @Test
    void picksTheCutThatMaximisesPositiveF1() {
        // sorted by P: .9+ .8- .7+ .6+ .3- .2+ .1-; cuts: top 1 F1 2/5, top 3 F1 4/7, top 4 F1 6/8 = .75, top 6 F1 8/10 = .8, all 8/11
        boolean[] positive = {true, false, true, true, false, true, false};
        float[] p = {0.9f, 0.8f, 0.7f, 0.6f, 0.3f, 0.2f, 0.1f};
        DecisionThreshold.Choice choice = DecisionThreshold.search(positive, p);
        assertEquals(0.8, choice.positiveF1(), 1e-12);
        assertEquals((0.2 + 0.1) / 2, choice.threshold(), 1e-6); // halfway between the lowest positive and the next score
    }

    @Test
    void tiesAreNotSplitAndTheHighestOfEqualCutsWins() {
        boolean[] positive = {true, false, true, false};
        float[] p = {0.9f, 0.5f, 0.5f, 0.1f};
        // top 1: 2/(1+2) = .667; top 3 (the tie together): 4/(3+2) = .8; all: 4/6
        DecisionThreshold.Choice choice = DecisionThreshold.search(positive, p);
        assertEquals(0.8, choice.positiveF1(), 1e-12);
        assertEquals(0.3, choice.threshold(), 1e-6);
        assertEquals(1.0, DecisionThreshold.search(new boolean[] {true, false}, new float[] {0.6f, 0.6f - 0.2f}).positiveF1(), 1e-12);
    }

    @Test
    void noPositiveExampleIsAnError() {
        assertThrows(InputException.class, () -> DecisionThreshold.search(new boolean[] {false, false}, new float[] {0.2f, 0.7f}));
    }

    @Test
    void aStoredThresholdDecidesTheLabel() {
        ClassificationTask plain = new ClassificationTask(TaskKind.PAIR);
        float[] p = {0.65f, 0.35f};
        assertEquals(0, plain.decide(p));
        ClassificationTask low = plain.configuredBy(config("0.3"), Path.of("config.json"));
        assertEquals(1, low.decide(p));
        assertEquals(0.3, low.threshold());
        assertEquals(0, plain.configuredBy(config("0.5"), Path.of("config.json")).decide(p));
        assertEquals(plain, plain.configuredBy(NezhaConfig.parse("{" + MODEL + "}", "t"), Path.of("c")));
        assertEquals("config.json: nezha_threshold 1.5 is not a probability in [0, 1]",
                assertThrows(InputException.class, () -> plain.configuredBy(config("1.5"), Path.of("config.json"))).getMessage());
    }

    private static NezhaConfig config(String threshold) {
        return NezhaConfig.parse("{" + MODEL + ", \"nezha_threshold\": " + threshold + "}", "test");
    }
}
