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

    static final String ALBERT_BASE = """
            {"model_type": "albert", "vocab_size": 30000, "hidden_size": 768, "num_attention_heads": 12,
             "intermediate_size": 3072, "num_hidden_layers": 12}""";

    /** Absent fields read as HF's AlbertConfig defaults, not BERT's. */
    @Test
    void albertConfigsHaveAlbertsDefaults() {
        NezhaConfig c = NezhaConfig.parse(ALBERT_BASE, "albert.json");
        assertEquals("albert", c.modelType());
        assertTrue(c.hasAbsolutePositions());
        assertEquals("gelu_new", c.hiddenAct());
        assertEquals(0.0, c.hiddenDropoutProb());
        assertEquals(0.0, c.attentionProbsDropoutProb());
        assertEquals(0.1, c.classifierDropoutProb());
        assertEquals(128, c.embeddingSize());
        assertEquals(1, c.numHiddenGroups());
        assertEquals(1, c.innerGroupNum());
        NezhaConfig set = NezhaConfig.parse(ALBERT_BASE.replace("}", ", \"embedding_size\": 64, \"num_hidden_groups\": 3, "
                + "\"inner_group_num\": 2, \"classifier_dropout_prob\": null, \"hidden_dropout_prob\": 0.05}"), "albert.json");
        assertEquals(64, set.embeddingSize());
        assertEquals(3, set.numHiddenGroups());
        assertEquals(2, set.innerGroupNum());
        assertEquals(0.05, set.classifierDropoutProb(), "null falls back to hidden_dropout_prob");
        // BERT and NEZHA: embeddings as wide as the hidden states; classifier_dropout, else hidden_dropout_prob
        NezhaConfig nezha = NezhaConfig.parse(HF_NEZHA_BASE, "config.json");
        assertEquals(768, nezha.embeddingSize());
        assertEquals(0.1, nezha.classifierDropoutProb());
        assertEquals(0.3, NezhaConfig.parse(HF_NEZHA_BASE.replace("}", ", \"classifier_dropout\": 0.3}"), "c.json").classifierDropoutProb());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "\"model_type\": \"roberta\"                                     | model_type \"roberta\" is not supported (use one of nezha, bert, albert)",
            "\"model_type\": \"albert\", \"position_embedding_type\": \"relative_functional\" | an ALBERT model has absolute positions, not relative_functional",
            "\"model_type\": \"albert\", \"num_hidden_groups\": 13          | num_hidden_groups 13 is more than num_hidden_layers 12 (some groups would never run)",
            "\"model_type\": \"albert\", \"inner_group_num\": 0              | \"inner_group_num\" must be a positive integer below 2^31, got 0",
            "\"model_type\": \"albert\", \"embedding_size\": 1.5             | \"embedding_size\" must be a positive integer below 2^31, got 1.5",
            "\"model_type\": \"albert\", \"classifier_dropout_prob\": 1      | \"classifier_dropout_prob\" must be in [0, 1) or null, got 1",
    })
    void unsupportedFamiliesAndBadAlbertFieldsAreOneLineErrors(String fields, String problem) {
        InputException e = assertThrows(InputException.class,
                () -> NezhaConfig.parse(HF_NEZHA_BASE.replace("\"model_type\": \"nezha\"", fields.strip()), "config.json"));
        assertEquals("config.json: " + problem.strip(), e.getMessage());
    }

    /** Architectures are named as the config's family names its classes, and model_type is written for HF's Auto classes. */
    @Test
    void architecturesAndModelTypeFollowTheFamily() {
        NezhaConfig nezha = NezhaConfig.parse(HF_NEZHA_BASE, "config.json").withArchitectures("NezhaForMaskedLM");
        assertEquals(List.of("NezhaForMaskedLM"), nezha.architectures());
        NezhaConfig bert = NezhaConfig.parse(HF_NEZHA_BASE.replace("\"model_type\": \"nezha\"", "\"position_embedding_type\": \"absolute\""),
                "config.json").withArchitectures("NezhaForSequenceClassification");
        assertEquals(List.of("BertForSequenceClassification"), bert.architectures());
        assertEquals("bert", bert.text("model_type"));
        NezhaConfig albert = NezhaConfig.parse(ALBERT_BASE, "albert.json").withArchitectures("NezhaForPreTraining");
        assertEquals(List.of("AlbertForPreTraining"), albert.architectures());
        assertEquals("albert", albert.text("model_type"));
        assertEquals("nezha", NezhaConfig.parse(HF_NEZHA_BASE.replace("\"model_type\": \"nezha\",", ""), "c.json")
                .withArchitectures("NezhaForMaskedLM").text("model_type"));
    }
}
