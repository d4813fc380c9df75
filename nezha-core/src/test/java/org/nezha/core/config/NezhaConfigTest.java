package org.nezha.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.InputException;

class NezhaConfigTest {
    static final String HF_NEZHA_BASE = """
            {"architectures": ["NezhaForMaskedLM"], "attention_probs_dropout_prob": 0.1, "hidden_act": "gelu",
             "hidden_dropout_prob": 0.1, "hidden_size": 768, "initializer_range": 0.02, "intermediate_size": 3072,
             "layer_norm_eps": 1e-12, "max_position_embeddings": 512, "max_relative_position": 64, "model_type": "nezha",
             "num_attention_heads": 12, "num_hidden_layers": 12, "pad_token_id": 0, "type_vocab_size": 2,
             "use_relative_position": true, "vocab_size": 21128}""";

    @Test
    void readsHfNezhaConfigWithoutPositionType() {
        NezhaConfig c = NezhaConfig.parse(HF_NEZHA_BASE, "config.json");
        assertEquals(NezhaConfig.RELATIVE_FUNCTIONAL, c.positionEmbeddingType());
        assertEquals(64, c.headSize());
        assertEquals(64, c.maxRelativePosition());
        assertEquals(1e-12, c.layerNormEps());
        assertEquals(2, c.numLabels());
    }

    @Test
    void bertConfigMeansAbsolutePositions() {
        NezhaConfig c = NezhaConfig.parse(HF_NEZHA_BASE.replace("\"nezha\"", "\"bert\""), "bert.json");
        assertTrue(c.hasAbsolutePositions());
    }

    @Test
    void labelsAndUnknownFieldsSurviveAWriteReadRoundTrip(@TempDir Path dir) {
        NezhaConfig c = NezhaConfig.parse(HF_NEZHA_BASE, "config.json").withLabels(List.of("neg", "pos", "mixed"))
                .with("nezha_task", "single");
        Path file = dir.resolve("config.json");
        c.write(file);
        NezhaConfig back = NezhaConfig.read(file);
        assertEquals(List.of("neg", "pos", "mixed"), back.labels());
        assertEquals(3, back.numLabels());
        assertEquals("single", back.text("nezha_task"));
        assertTrue(back.toJson().contains("\"use_relative_position\" : true"));
        assertTrue(back.toJson().contains("\"label2id\""));
    }

    @Test
    void invalidConfigsNameTheFileAndProblem(@TempDir Path dir) throws Exception {
        Path odd = Files.writeString(dir.resolve("odd.json"), HF_NEZHA_BASE.replace("\"num_attention_heads\": 12", "\"num_attention_heads\": 10"));
        InputException e = assertThrows(InputException.class, () -> NezhaConfig.read(odd));
        assertEquals(odd + ": hidden_size 768 is not a multiple of num_attention_heads 10", e.getMessage());
        Path missing = Files.writeString(dir.resolve("missing.json"), "{\"hidden_size\": 8}");
        e = assertThrows(InputException.class, () -> NezhaConfig.read(missing));
        assertEquals(missing + ": missing required field \"vocab_size\"", e.getMessage());
        Path type = Files.writeString(dir.resolve("type.json"), HF_NEZHA_BASE.replace("\"model_type\": \"nezha\"",
                "\"model_type\": \"nezha\", \"position_embedding_type\": \"relative_key\""));
        e = assertThrows(InputException.class, () -> NezhaConfig.read(type));
        assertTrue(e.getMessage().contains("position_embedding_type \"relative_key\" is not supported"), e.getMessage());
    }

    /** Every number is checked for type and range, NaN and infinities (Python's json writes them) included. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "\"layer_norm_eps\": 1e-12                | \"layer_norm_eps\": NaN                 | \"layer_norm_eps\" must be a number in (0, 1), got NaN",
            "\"layer_norm_eps\": 1e-12                | \"layer_norm_eps\": -1e-12              | \"layer_norm_eps\" must be a number in (0, 1), got -1.0E-12",
            "\"layer_norm_eps\": 1e-12                | \"layer_norm_eps\": 1e999                | \"layer_norm_eps\" must be a number in (0, 1), got Infinity",
            "\"initializer_range\": 0.02              | \"initializer_range\": Infinity          | \"initializer_range\" must be a number in (0, 1), got Infinity",
            "\"initializer_range\": 0.02              | \"initializer_range\": \"0.02\"          | \"initializer_range\" must be a number in (0, 1), got \"0.02\"",
            "\"hidden_dropout_prob\": 0.1             | \"hidden_dropout_prob\": NaN             | \"hidden_dropout_prob\" must be in [0, 1), got NaN",
            "\"vocab_size\": 21128                    | \"vocab_size\": 4294967296               | \"vocab_size\" must be a positive integer below 2^31, got 4294967296",
            "\"max_relative_position\": 64            | \"max_relative_position\": 64.5          | \"max_relative_position\" must be a positive integer below 2^31, got 64.5",
            "\"pad_token_id\": 0                      | \"pad_token_id\": \"0\"                  | \"pad_token_id\" must be an integer, got \"0\"",
    })
    void numbersOutOfRangeAreOneLineErrors(String field, String bad, String problem) {
        InputException e = assertThrows(InputException.class,
                () -> NezhaConfig.parse(HF_NEZHA_BASE.replace(field.strip(), bad.strip()), "config.json"));
        assertEquals("config.json: " + problem.strip(), e.getMessage());
    }
}
