package org.nezha.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import org.nezha.core.config.NezhaConfig;

class ModelFamilyTest {
    private static NezhaConfig config(String fields) {
        return NezhaConfig.parse("""
                {"vocab_size": 50, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2,
                 "intermediate_size": 48%s}""".formatted(fields), "config.json");
    }

    @Test
    void modelTypeNamesTheFamilyAndWithoutOneThePositionsDo() {
        assertEquals(ModelFamily.NEZHA, ModelFamily.of(config(", \"model_type\": \"nezha\"")));
        assertEquals(ModelFamily.BERT, ModelFamily.of(config(", \"model_type\": \"bert\"")));
        assertEquals(ModelFamily.ALBERT, ModelFamily.of(config(", \"model_type\": \"albert\"")));
        assertEquals(ModelFamily.NEZHA, ModelFamily.of(config("")));
        assertEquals(ModelFamily.BERT, ModelFamily.of(config(", \"position_embedding_type\": \"absolute\"")));
        // a NEZHA given absolute positions stays a NEZHA by its model_type (the engine's own tests do this)
        assertEquals(ModelFamily.NEZHA, ModelFamily.of(config(", \"model_type\": \"nezha\", \"position_embedding_type\": \"absolute\"")));
    }

    @Test
    void prefixesAreHfBaseModelPrefixes() {
        assertEquals("nezha.", ModelFamily.NEZHA.prefix());
        assertEquals("bert.", ModelFamily.BERT.prefix());
        assertEquals("albert.", ModelFamily.ALBERT.prefix());
    }
}
