package org.nezha.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our ids equal Hugging Face's on the committed fixtures (made by tests/fixtures-gen/tokenizer),
 * for do_lower_case true and false.
 */
class HfFixtureTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BertTokenizer UNCASED = tokenizer(true);
    private static final BertTokenizer CASED = tokenizer(false);

    static Path resource(String name) {
        try {
            return Path.of(HfFixtureTest.class.getResource("/tokenizer/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static BertTokenizer tokenizer(boolean doLowerCase) {
        return new BertTokenizer(Vocab.load(resource("vocab.txt")), new TokenizerOptions(doLowerCase, null, true));
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        addCases(cases, "hf_bert_uncased.jsonl", true);
        addCases(cases, "hf_bert_cased.jsonl", false);
        return cases.stream();
    }

    private static void addCases(List<Arguments> cases, String file, boolean doLowerCase) {
        try (InputStream in = HfFixtureTest.class.getResourceAsStream("/tokenizer/" + file);
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            int line = 0;
            for (String json = reader.readLine(); json != null; json = reader.readLine()) {
                line++;
                cases.add(Arguments.of(file + ":" + line, doLowerCase, JSON.readTree(json)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesHuggingFace(String where, boolean doLowerCase, JsonNode expected) {
        BertTokenizer tokenizer = doLowerCase ? UNCASED : CASED;
        String textA = expected.get("text_a").asText();
        String textB = expected.get("text_b").isNull() ? null : expected.get("text_b").asText();
        List<String> problems = new ArrayList<>();
        if (expected.has("tokens")) {
            List<String> expectedTokens = new ArrayList<>();
            expected.get("tokens").forEach(token -> expectedTokens.add(token.asText()));
            List<String> actualTokens = tokenizer.tokenize(textA);
            if (!actualTokens.equals(expectedTokens)) {
                problems.add("tokens differ\n" + TokenDiff.describe(expectedTokens, actualTokens));
            }
        }
        Encoding encoding = expected.get("max_length").isNull()
                ? tokenizer.encode(textA, textB, Integer.MAX_VALUE, false)
                : tokenizer.encode(textA, textB, expected.get("max_length").asInt(), expected.get("pad").asBoolean());
        compare(problems, "input_ids", ints(expected.get("input_ids")), encoding.inputIds(), tokenizer.vocab());
        compare(problems, "token_type_ids", ints(expected.get("token_type_ids")), encoding.tokenTypeIds(), null);
        compare(problems, "attention_mask", ints(expected.get("attention_mask")), encoding.attentionMask(), null);
        if (!problems.isEmpty()) {
            fail(where + " text_a=" + escape(textA) + (textB == null ? "" : " text_b=" + escape(textB)) + "\n"
                    + String.join("\n", problems));
        }
    }

    @Test
    void fixturesHoldEnoughCases() {
        assertTrue(cases().count() >= 200, "expected both fixture files with about 100 cases each");
    }

    private static void compare(List<String> problems, String field, int[] expected, int[] actual, Vocab vocab) {
        if (Arrays.equals(expected, actual)) {
            return;
        }
        String detail = vocab == null
                ? "expected " + Arrays.toString(expected) + "\n  actual " + Arrays.toString(actual)
                : TokenDiff.describe(tokens(expected, vocab), tokens(actual, vocab));
        problems.add(field + " differ\n" + detail);
    }

    private static List<String> tokens(int[] ids, Vocab vocab) {
        return Arrays.stream(ids).mapToObj(vocab::token).toList();
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }

    /** The text with invisible and non-ASCII characters as \\u escapes, so a failure message shows what was fed in. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder("\"");
        text.chars().forEach(c -> {
            if (c >= 0x20 && c < 0x7F) {
                out.append((char) c);
            } else {
                out.append(String.format("\\u%04x", c));
            }
        });
        return out.append('"').toString();
    }
}
