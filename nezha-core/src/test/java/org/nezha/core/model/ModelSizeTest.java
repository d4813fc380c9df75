package org.nezha.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import org.nezha.core.InputException;
import org.nezha.core.config.NezhaConfig;

class ModelSizeTest {
    static NezhaConfig config(String positions, int vocab) {
        return NezhaConfig.parse("""
                {"vocab_size": %d, "hidden_size": 24, "num_hidden_layers": 3, "num_attention_heads": 2,
                 "intermediate_size": 40, "max_position_embeddings": 70, "type_vocab_size": 3,
                 "position_embedding_type": "%s", "id2label": {"0": "a", "1": "b", "2": "c"}}
                """.formatted(vocab, positions), "config.json");
    }

    /** The count from the config is the count of the model the config builds (ALBERT's shared blocks once). */
    @ParameterizedTest
    @ValueSource(strings = {"relative_functional", "absolute", "albert"})
    void countsWhatTheModelsRegister(String positions) {
        NezhaConfig c = positions.equals("albert") ? TinyModels.albert(5, 2, 3, 16) : config(positions, 101);
        assertEquals(new NezhaForMaskedLM(c, AttentionBackends.byName("eager")).parameters().parameterCount(),
                ModelSize.parameters(c, ModelSize.Head.MASKED_LM));
        assertEquals(new NezhaForMaskedLM(c, AttentionBackends.byName("eager"), true).parameters().parameterCount(),
                ModelSize.parameters(c, ModelSize.Head.PRETRAINING));
        assertEquals(new NezhaForSequenceClassification(c, AttentionBackends.byName("eager")).parameters().parameterCount(),
                ModelSize.parameters(c, ModelSize.Head.SEQUENCE_CLASSIFICATION));
    }

    @Test
    void aConfigBeyondThisMachineIsRefusedBeforeAllocating() {
        NezhaConfig huge = config("relative_functional", Integer.MAX_VALUE);
        InputException e = assertThrows(InputException.class,
                () -> ModelSize.requireFits(huge, ModelSize.Head.MASKED_LM, true, 1, "big.json"));
        assertTrue(e.getMessage().matches("big\\.json: a model of this config has [0-9,]+ parameters and needs about "
                + "[0-9.]+ [KMGTPE]iB of memory to train .*, more than the [0-9.]+ [KMGTPE]iB this machine has .*"), e.getMessage());
        ModelSize.requireFits(config("relative_functional", 101), ModelSize.Head.MASKED_LM, true, 1, "small.json");
    }

    /** A data-parallel launch puts one copy per process on the machine: what fits once may not fit twice. */
    @Test
    void theProcessesOfALaunchShareTheMachine() {
        long vocab = ModelSize.physicalMemory() * 6 / 10 / 16 / 25; // about 60 % of the memory for one process
        NezhaConfig big = config("relative_functional", (int) vocab);
        ModelSize.requireFits(big, ModelSize.Head.MASKED_LM, true, 1, "big.json");
        InputException e = assertThrows(InputException.class,
                () -> ModelSize.requireFits(big, ModelSize.Head.MASKED_LM, true, 2, "big.json"));
        assertTrue(e.getMessage().contains("in each of the 2 processes on this machine"), e.getMessage());
    }

    @Test
    void sizesReadAsPeopleWriteThem() {
        assertEquals("512 B", ModelSize.bytes(512));
        assertEquals("1.5 KiB", ModelSize.bytes(1536));
        assertEquals("1.0 TiB", ModelSize.bytes(1L << 40));
    }
}
