package org.nezha.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nezha.core.InputException;

class TokenizerOptionsTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreHfs() {
        assertEquals(new TokenizerOptions(true, null, true), TokenizerOptions.defaults());
    }

    @Test
    void missingFileMeansDefaults() {
        assertEquals(TokenizerOptions.defaults(), TokenizerOptions.read(dir.resolve("tokenizer_config.json")));
    }

    @Test
    void readsHfKeysAndIgnoresTheRest() throws IOException {
        Path file = dir.resolve("tokenizer_config.json");
        Files.writeString(file, """
                {"do_lower_case": false, "model_max_length": 512, "tokenizer_class": "BertTokenizer",
                 "strip_accents": true, "tokenize_chinese_chars": false, "never_split": null}
                """);
        assertEquals(new TokenizerOptions(false, true, false, 512), TokenizerOptions.read(file));
        Files.writeString(file, "{\"strip_accents\": null}");
        assertEquals(TokenizerOptions.defaults(), TokenizerOptions.read(file));
    }

    /** HF writes int(1e30) for "no limit": no length is recorded. A length that is not a positive integer is an error. */
    @Test
    void modelMaxLengthIsRecordedOnlyWhenItIsAReadLimit() throws IOException {
        Path file = dir.resolve("tokenizer_config.json");
        Files.writeString(file, "{\"model_max_length\": 1000000000000000019884624838656}");
        assertNull(TokenizerOptions.read(file).modelMaxLength());
        for (String bad : new String[] {"0", "-5", "\"64\"", "64.5"}) {
            Files.writeString(file, "{\"model_max_length\": " + bad + "}");
            InputException e = assertThrows(InputException.class, () -> TokenizerOptions.read(file), bad);
            assertTrue(e.getMessage().startsWith(file + ": \"model_max_length\" must be a positive integer"), e.getMessage());
        }
    }

    @Test
    void badValuesAreInputErrorsNamingTheFile() throws IOException {
        Path file = dir.resolve("tokenizer_config.json");
        Files.writeString(file, "{\"do_lower_case\": \"yes\"}");
        InputException wrongType = assertThrows(InputException.class, () -> TokenizerOptions.read(file));
        assertTrue(wrongType.getMessage().startsWith(file + ": \"do_lower_case\""), wrongType.getMessage());
        Files.writeString(file, "{\"do_lower_case\": tru");
        InputException badJson = assertThrows(InputException.class, () -> TokenizerOptions.read(file));
        assertTrue(badJson.getMessage().startsWith(file + ": invalid JSON"), badJson.getMessage());
        Files.writeString(file, "[]");
        assertThrows(InputException.class, () -> TokenizerOptions.read(file));
    }

    @Test
    void writeThenReadRoundTrips() throws IOException {
        Path file = dir.resolve("tokenizer_config.json");
        for (TokenizerOptions options : new TokenizerOptions[] {
                TokenizerOptions.defaults(), new TokenizerOptions(false, false, true), new TokenizerOptions(true, true, false),
                TokenizerOptions.defaults().withModelMaxLength(64)}) {
            options.write(file);
            assertEquals(options, TokenizerOptions.read(file));
        }
    }

    @Test
    void writesAnHfStyleConfigAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("tokenizer_config.json");
        Files.writeString(file, "old");
        new TokenizerOptions(false, null, true).write(file);
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertEquals("BertTokenizer", json.get("tokenizer_class").asText());
        assertFalse(json.get("do_lower_case").asBoolean());
        assertTrue(json.get("strip_accents").isNull());
        assertEquals("[MASK]", json.get("mask_token").asText());
        assertFalse(json.has("model_max_length"));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }
}
