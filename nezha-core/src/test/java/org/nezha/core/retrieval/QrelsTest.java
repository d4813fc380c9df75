package org.nezha.core.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.nezha.core.InputException;

class QrelsTest {
    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path file = dir.resolve("qrels.tsv");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void readsJudgementsWithDefaultRelevanceSkippingBlankLinesAndBeirHeader() throws IOException {
        Qrels qrels = Qrels.read(write("query-id\tcorpus-id\tscore\nq1\td1\t2\n\n  \nq1\td2\nq2\td3\t0\r\nq2\td4\t1\n"));

        assertEquals(Map.of("q1", Map.of("d1", 2, "d2", 1), "q2", Map.of("d3", 0, "d4", 1)), qrels.byQuery());
        assertEquals(4, qrels.size());
        assertEquals(2, qrels.relevance("q1", "d1"));
        assertEquals(0, qrels.relevance("q1", "nope"));
        assertTrue(qrels.hasRelevant("q2"));
        assertFalse(qrels.hasRelevant("q3"));
        assertEquals(0, qrels.droppedUnknownQuery());
        assertEquals(0, qrels.droppedUnknownDoc());
    }

    @Test
    void relevanceZeroOnlyIsNoRelevantDocument() throws IOException {
        Qrels qrels = Qrels.read(write("q1\td1\t0\n"));
        assertFalse(qrels.hasRelevant("q1"));
        assertEquals(Map.of("d1", 0), qrels.judgements("q1"));
    }

    @Test
    void unknownIdsAreDroppedAndCounted() throws IOException {
        Path file = write("q1\td1\nq1\tdX\t3\nqX\td1\nqX\tdX\nq2\td2\t0\nq2\tdY\n");
        Qrels qrels = Qrels.read(file, Set.of("q1", "q2"), Set.of("d1", "d2"));

        assertEquals(Map.of("q1", Map.of("d1", 1), "q2", Map.of("d2", 0)), qrels.byQuery());
        assertEquals(2, qrels.droppedUnknownQuery()); // qX twice, whatever its doc
        assertEquals(2, qrels.droppedUnknownDoc()); // dX, dY
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "q1                | 2 | expected query_id<TAB>doc_id[<TAB>relevance], found 1 tab-separated fields",
        "q1\\td1\\t1\\textra  | 2 | expected query_id<TAB>doc_id[<TAB>relevance], found 4 tab-separated fields",
        "q1\\td1\\tabc       | 2 | relevance must be an integer >= 0, found 'abc'",
        "q1\\td1\\t-1        | 2 | relevance must be an integer >= 0, found '-1'",
        "q1\\td1\\t1.5       | 2 | relevance must be an integer >= 0, found '1.5'",
        "q1\\td1\\t          | 2 | relevance must be an integer >= 0, found ''",
        "\\td1              | 2 | empty query id",
        "q1\\t              | 2 | empty doc id",
        "q0\\td0            | 2 | second judgement of query q0 and doc d0",
    })
    void malformedLineIsAnErrorAtFileAndLine(String line, int lineNumber, String problem) throws IOException {
        Path file = write("q0\td0\n" + line.translateEscapes() + "\nq9\td9\n");
        InputException e = assertThrows(InputException.class, () -> Qrels.read(file));
        assertEquals(file + ":" + lineNumber + ": " + problem, e.getMessage());
    }

    @Test
    void malformedLineIsFatalEvenWhenItsIdsAreUnknown() throws IOException {
        Path file = write("qX\tdX\tbad\n");
        InputException e = assertThrows(InputException.class, () -> Qrels.read(file, Set.of(), Set.of()));
        assertEquals(file + ":1: relevance must be an integer >= 0, found 'bad'", e.getMessage());
    }

    @Test
    void missingFileNamesTheFile() {
        Path file = dir.resolve("absent.tsv");
        InputException e = assertThrows(InputException.class, () -> Qrels.read(file));
        assertEquals(file + ": file not found", e.getMessage());
    }

    @Test
    void ofRejectsNegativeRelevance() {
        assertThrows(IllegalArgumentException.class, () -> Qrels.of(Map.of("q", Map.of("d", -1))));
    }
}
