package org.nezha.core.task.span;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.nezha.core.InputException;

class SquadReaderTest {
    /** CMRC 2018 as bundled in the checkout's data/. */
    static final Path CMRC = Path.of("../data/cmrc2018");

    @TempDir
    Path tmp;

    private Path file(String json) throws IOException {
        return Files.writeString(tmp.resolve("data.json"), json);
    }

    /** A file with one paragraph holding {@code qas} (a JSON array's contents). */
    private Path paragraph(String context, String qas) throws IOException {
        return file("""
                {"version": "v1.0", "data": [{"title": "t", "paragraphs": [
                  {"id": "P", "context": "%s",
                   "qas": [%s]}]}]}
                """.formatted(context, qas));
    }

    @Test
    void readsQuestionsInFileOrderWithCodePointOffsets() throws IOException {
        // the emoji before the answer is one code point (Python's index) but two Java chars
        Path f = file("""
                {"data": [{"paragraphs": [
                  {"qas": [{"id": "q1", "question": "谁？", "answers": [{"text": "小明", "answer_start": 3}, {"text": "明", "answer_start": 4}]}],
                   "context": "你好😀小明。"},
                  {"context": "abc", "qas": [{"question": "?", "id": "q2", "answers": [{"answer_start": 1, "text": "bc"}]}]}]},
                 {"paragraphs": []}]}
                """);
        List<SpanExample> examples = SquadReader.read(f, true);
        assertEquals(List.of("q1", "q2"), examples.stream().map(SpanExample::id).toList());
        SpanExample first = examples.getFirst();
        assertEquals("谁？", first.question());
        assertEquals(new SpanExample.Answer("小明", 4, false), first.answers().get(0));
        assertEquals("小明", first.context().substring(first.target().start(), first.target().end()));
        assertEquals(new SpanExample.Answer("明", 5, false), first.answers().get(1));
        assertEquals(new SpanExample.Answer("bc", 1, false), examples.get(1).target());
    }

    @Test
    void predictionInputNeedsNoAnswers() throws IOException {
        List<SpanExample> examples = SquadReader.read(paragraph("abc", """
                {"id": "q1", "question": "?"}, {"id": "q2", "question": "?", "answers": []}"""), false);
        assertEquals(2, examples.size());
        assertTrue(examples.getFirst().answers().isEmpty());
        assertNull(examples.getFirst().target());
    }

    @Test
    void anOffsetThatMissesItsTextIsRepairedToTheNearestOccurrence() {
        String context = "ab甲ab乙ab";
        assertEquals(new SpanExample.Answer("ab", 3, true), SquadReader.locate(context, "ab", 4));
        assertEquals(new SpanExample.Answer("ab", 6, true), SquadReader.locate(context, "ab", 7));
        assertEquals(new SpanExample.Answer("ab", 6, true), SquadReader.locate(context, "ab", 99), "past the end");
        assertEquals(new SpanExample.Answer("ab", 0, true), SquadReader.locate(context, "ab", -1), "found although marked -1");
        assertEquals(new SpanExample.Answer("xy", -1, false), SquadReader.locate(context, "xy", -1), "a reference only");
        assertNull(SquadReader.locate(context, "xy", 2));
    }

    @Test
    void aReferenceThatIsNoSpanCountsButIsNotTheTarget() throws IOException {
        SpanExample e = SquadReader.read(paragraph("abc", """
                {"id": "q", "question": "?", "answers": [{"text": "不在", "answer_start": -1}, {"text": "c", "answer_start": 2}]}"""), true)
                .getFirst();
        assertEquals(2, e.answers().size());
        assertEquals("c", e.target().text());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"id\": \"q7\", \"question\": \"?\"}|question q7 has no answers",
        "{\"id\": \"q7\", \"question\": \"?\", \"answers\": []}|question q7 has no answers",
        "{\"id\": \"q7\", \"question\": \"?\", \"answers\": [{\"text\": \"zz\", \"answer_start\": 1}]}|question q7 answer 1 \"zz\" is not in the context (answer_start 1)",
        "{\"id\": \"q7\", \"question\": \"?\", \"answers\": [{\"text\": \"zz\", \"answer_start\": -1}]}|question q7 has no answer found in its context",
        "{\"id\": \"q7\", \"question\": \"?\", \"answers\": [{\"text\": \"\", \"answer_start\": 0}]}|question q7 answer 1 has no \"text\"",
        "{\"id\": \"q7\", \"question\": \"?\", \"answers\": [{\"text\": \"a\", \"answer_start\": \"0\"}]}|question q7 answer 1 has no \"answer_start\"",
        "{\"id\": \"q7\", \"question\": \"?\", \"answers\": [{\"text\": \"a\", \"answer_start\": -2}]}|question q7 answer 1 has no \"answer_start\"",
        "{\"id\": \"q7\", \"answers\": [{\"text\": \"a\", \"answer_start\": 0}]}|question q7 has no \"question\" string",
        "{\"question\": \"?\"}|question without an \"id\" string",
        "{\"id\": \"q7\", \"question\": \"?\", \"answers\": [{\"text\": \"a\", \"answer_start\": 0}]}, {\"id\": \"q7\", \"question\": \"?\", \"answers\": [{\"text\": \"a\", \"answer_start\": 0}]}|question q7 appears twice (first on line 3)",
    })
    void badQuestionsAreErrorsNamingTheQuestion(String qas, String message) throws IOException {
        Path f = paragraph("abc", qas);
        InputException e = assertThrows(InputException.class, () -> SquadReader.read(f, true));
        assertTrue(e.getMessage().startsWith(f + ":3: " + message), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[]|:1: expected a JSON object with \"data\"",
        "{\"version\": 1}|: has no \"data\" array",
        "{\"data\": {}}|:1: \"data\" must be an array",
        "{\"data\": [1]}|:1: \"data\" must hold objects",
        "{\"data\": [{\"paragraphs\": [{\"qas\": []}]}]}|:1: paragraph without a \"context\" string",
        "{\"data\": [{\"paragraphs\": [{\"context\": 3}]}]}|:1: \"context\" must be a string",
        "{\"data\": [{\"paragraphs\": [{\"context\": \"a\", \"qas\": {}}]}]}|:1: \"qas\" must be an array",
        "{\"data\": [}|:1: not valid JSON",
    })
    void badLayoutsAreErrorsWithTheirLine(String json, String message) throws IOException {
        Path f = file(json);
        InputException e = assertThrows(InputException.class, () -> SquadReader.read(f, false));
        assertTrue(e.getMessage().startsWith(f + message), e.getMessage());
    }

    @Test
    void aMissingFileIsAnError() {
        Path missing = tmp.resolve("none.json");
        assertEquals(missing + ": file not found", assertThrows(InputException.class, () -> SquadReader.read(missing, true)).getMessage());
    }

    /** CMRC 2018 as shipped: the trial set has 5 answers off by one, dev 7 off and 125 references that are no span. */
    @Test
    void readsCmrc2018WithItsRepairs() {
        List<SpanExample> train = SquadReader.read(CMRC.resolve("train.json"), true);
        List<SpanExample> dev = SquadReader.read(CMRC.resolve("dev.json"), true);
        assertEquals(1002, train.size());
        assertEquals(1493, dev.size());
        assertEquals(5, repaired(train));
        assertEquals(7, repaired(dev));
        assertEquals(125, dev.stream().flatMap(e -> e.answers().stream()).filter(a -> a.start() < 0).count());
        for (SpanExample e : train) {
            SpanExample.Answer a = e.target();
            assertEquals(a.text(), e.context().substring(a.start(), a.end()), e.id());
        }
        SpanExample.Answer offByOne = train.stream().filter(e -> e.id().equals("TRIAL_210_QUERY_0")).findFirst().orElseThrow().target();
        assertTrue(offByOne.repaired());
        assertFalse(train.getFirst().target().repaired());
    }

    private static long repaired(List<SpanExample> examples) {
        return examples.stream().flatMap(e -> e.answers().stream()).filter(SpanExample.Answer::repaired).count();
    }
}
