package org.nezha.core.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.InputException;

class SearchResultsTest {
    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path file = dir.resolve("run.jsonl");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void readsQueriesInFileOrderWithNumericIdsAndOptionalTexts() throws IOException {
        List<SearchResults.QueryHits> results = SearchResults.read(write("""
                {"query_id": "q1", "query": "花呗还款", "hits": [{"doc_id": "d7", "score": 0.83, "text": "怎么还花呗"}, {"doc_id": 12, "score": -1}]}

                {"query_id": 2, "hits": []}
                {"query_id": "q3", "hits": [{"doc_id": "d1", "score": 0.9, "retrieval_score": 0.4, "text": null}]}
                """));
        assertEquals(3, results.size());
        SearchResults.QueryHits q1 = results.getFirst();
        assertEquals("q1", q1.queryId());
        assertEquals("花呗还款", q1.query());
        assertEquals(List.of("d7", "12"), q1.docIds());
        assertEquals(new SearchResults.Hit("d7", 0.83, "怎么还花呗", null), q1.hits().get(0));
        assertEquals(new SearchResults.Hit("12", -1, null, null), q1.hits().get(1));
        assertEquals("2", results.get(1).queryId());
        assertNull(results.get(1).query());
        assertEquals(List.of(), results.get(1).hits());
        assertEquals(new SearchResults.Hit("d1", 0.9, null, 0.4), results.get(2).hits().getFirst());
    }

    @Test
    void writesWhatItReads() throws IOException {
        List<SearchResults.QueryHits> results = List.of(
                new SearchResults.QueryHits("q1", "查询", List.of(new SearchResults.Hit("d2", 0.5, "文档", 12.25),
                        new SearchResults.Hit("d1", 0.25, null, null))),
                new SearchResults.QueryHits("q2", null, List.of()));
        Path file = dir.resolve("out/results.jsonl");
        Files.createDirectories(file.getParent());
        SearchResults.write(file, results);
        assertEquals("""
                {"query_id":"q1","query":"查询","hits":[{"doc_id":"d2","score":0.5,"retrieval_score":12.25,"text":"文档"},{"doc_id":"d1","score":0.25}]}
                {"query_id":"q2","hits":[]}
                """, Files.readString(file));
        assertEquals(results, SearchResults.read(file));
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of("results.jsonl"), files.map(p -> p.getFileName().toString()).toList(), "no temporary file left");
        }
    }

    @Test
    void malformedLinesNameFileAndLine() throws IOException {
        assertError("{\"query_id\": \"q1\", \"hits\": []}\n{\"query_id\": \"q2\"\n", ":2: bad JSON");
        assertError("[1]\n", ":1: expected one JSON object per line, found array");
        assertError("{\"hits\": []}\n", ":1: no \"query_id\"");
        assertError("{\"query_id\": \" \", \"hits\": []}\n", ":1: empty \"query_id\"");
        assertError("{\"query_id\": [1], \"hits\": []}\n", ":1: \"query_id\" must be a string or a number");
        assertError("{\"query_id\": \"q1\"}\n", ":1: no \"hits\" array");
        assertError("{\"query_id\": \"q1\", \"hits\": {}}\n", ":1: no \"hits\" array");
        assertError("{\"query_id\": \"q1\", \"query\": 5, \"hits\": []}\n", ":1: \"query\" must be a string");
        assertError("{\"query_id\": \"q1\", \"hits\": [\"d1\"]}\n", ":1: hit 1: not an object");
        assertError("{\"query_id\": \"q1\", \"hits\": [{\"doc_id\": \"d1\", \"score\": 1}, {\"score\": 1}]}\n", ":1: hit 2: no \"doc_id\"");
        assertError("{\"query_id\": \"q1\", \"hits\": [{\"doc_id\": \"d1\"}]}\n", ":1: hit 1: no \"score\"");
        assertError("{\"query_id\": \"q1\", \"hits\": [{\"doc_id\": \"d1\", \"score\": \"high\"}]}\n", ":1: hit 1: \"score\" must be a finite number");
        assertError("{\"query_id\": \"q1\", \"hits\": [{\"doc_id\": \"d1\", \"score\": 1e999}]}\n", ":1: hit 1: \"score\" must be a finite number");
        assertError("{\"query_id\": \"q1\", \"hits\": [{\"doc_id\": \"d1\", \"score\": 1, \"text\": 3}]}\n", ":1: hit 1: \"text\" must be a string");
        assertError("{\"query_id\": \"q1\", \"hits\": [{\"doc_id\": \"d1\", \"score\": 1}, {\"doc_id\": \"d1\", \"score\": 0}]}\n",
                ":1: hit 2: doc d1 is listed twice");
        assertError("{\"query_id\": \"q1\", \"hits\": []}\n\n{\"query_id\": \"q1\", \"hits\": []}\n", ":3: query q1 has a line already");
        assertError("\n\n", ": contains no queries");
        Path missing = dir.resolve("missing.jsonl");
        assertEquals(missing + ": file not found", assertThrows(InputException.class, () -> SearchResults.read(missing)).getMessage());
    }

    private void assertError(String content, String expected) throws IOException {
        Path file = write(content);
        String message = assertThrows(InputException.class, () -> SearchResults.read(file)).getMessage();
        assertEquals(file + expected, message.substring(0, Math.min(message.length(), (file + expected).length())), message);
    }
}
