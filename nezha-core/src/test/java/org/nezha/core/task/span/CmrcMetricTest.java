package org.nezha.core.task.span;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CMRC 2018's official metric. {@code span/cmrc2018_evaluate_cases.jsonl} holds what the official
 * {@code cmrc2018_evaluate.py} (v5) printed for each case under Python 2.7 and NLTK 3.4.5 (word_tokenize
 * with Punkt's sentence split left out, which no case needs): F1, EM and both segmentations. The
 * cases are where the official metric differs from a naive one: punctuation it removes (and "……",
 * which it does not), Latin runs kept whole or split by NLTK's rules, several references, longest
 * common run rather than common characters, characters outside U+4E00–U+9FA5.
 */
class CmrcMetricTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<JsonNode> officialCases() throws IOException {
        try (InputStream in = CmrcMetricTest.class.getResourceAsStream("/span/cmrc2018_evaluate_cases.jsonl")) {
            List<JsonNode> cases = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) cases.add(JSON.readTree(line));
            return cases.stream();
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    @ParameterizedTest
    @MethodSource("officialCases")
    void matchesTheOfficialScript(JsonNode c) {
        List<String> references = strings(c.get("refs"));
        String prediction = c.get("pred").asText();
        assertEquals(strings(c.get("segments")), CmrcMetric.segments(prediction, true));
        for (int i = 0; i < references.size(); i++) {
            assertEquals(strings(c.get("referenceSegments").get(i)), CmrcMetric.segments(references.get(i), true));
        }
        assertEquals(c.get("f1").asDouble(), CmrcMetric.f1(references, prediction), 1e-11, c.toString());
        assertEquals(c.get("em").asInt() == 1, CmrcMetric.exactMatch(references, prediction), c.toString());
    }

    /** By hand: 北京大学 against 北京的大学 shares runs of 2 segments (not 4 characters): P 2/5, R 2/4, F1 4/9. */
    @Test
    void f1CountsTheLongestCommonRunOfSegments() {
        assertEquals(4.0 / 9, CmrcMetric.f1(List.of("北京大学"), "北京的大学"), 1e-12);
        assertEquals(2, CmrcMetric.longestCommonRun(List.of("a", "b", "x", "c", "d"), List.of("c", "d", "a", "b")));
        assertEquals(0, CmrcMetric.longestCommonRun(List.of(), List.of("a")));
    }

    @Test
    void segmentationKeepsPunctuationWhenAskedTo() {
        assertEquals(List.of("《", "书", "》", "ab", "，"), CmrcMetric.segments(" 《书》AB，", false));
    }

    /**
     * Three questions as the official script prints them: {"AVERAGE": "57.778", "F1": "82.222", "EM":
     * "33.333", "TOTAL": 3} — F1 (2/3 + 1 + 4/5) / 3, EM 1/3.
     */
    @Test
    void scoresArePercentagesOverTheQuestions() {
        String context = "光荣和ω-force开发了《战国无双3》。1949年10月1日";
        List<SpanExample> examples = List.of(
                new SpanExample("a", "谁", context, List.of(new SpanExample.Answer("光荣和ω-force", 0, false))),
                new SpanExample("b", "什么", context, List.of(new SpanExample.Answer("《战国无双3》", 13, false),
                        new SpanExample.Answer("战国无双3", 14, false))),
                new SpanExample("c", "何时", context, List.of(new SpanExample.Answer("1949年", 21, false),
                        new SpanExample.Answer("1949年10月1日", 21, false))));
        List<SpanPrediction> predictions = Stream.of("光荣和ω force", "战国无双3", "1949年10月")
                .map(t -> new SpanPrediction(t, 0, 0, 0)).toList();
        Map<String, Object> metrics = CmrcMetric.score(examples, predictions);
        assertEquals("82.222", String.format(Locale.ROOT, "%.3f", (double) metrics.get("f1")));
        assertEquals("33.333", String.format(Locale.ROOT, "%.3f", (double) metrics.get("em")));
        assertEquals("57.778", String.format(Locale.ROOT, "%.3f", (double) metrics.get("average")));
        assertEquals(3, metrics.get("total"));
    }
}
