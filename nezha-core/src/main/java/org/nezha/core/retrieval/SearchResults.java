package org.nezha.core.retrieval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.nezha.core.InputException;
import org.nezha.core.data.JsonLines;
import org.nezha.core.data.Utf8LineReader;

/**
 * The search results file that {@code search} writes, {@code rerank} reads and rewrites and {@code eval --task
 * retrieval --run} scores: JSON Lines, one line per query in query-file order,
 * {@code {"query_id": "q1", "query": "text", "hits": [{"doc_id": "d7", "score": 0.83, "text": "doc text"}, …]}},
 * hits best first. A reranked hit keeps the first-stage score as {@code "retrieval_score"}. Ids may be JSON
 * numbers (kept as their text); the query text and the hits' text may be absent (a run from elsewhere), which
 * only the commands that need them refuse.
 */
public final class SearchResults {
    private SearchResults() {}

    /** One hit: {@code text} and {@code retrievalScore} are null when the file has none. */
    public record Hit(String docId, double score, String text, Double retrievalScore) {
        public Hit {
            // JSON has no NaN or infinity to write them as
            if (!Double.isFinite(score) || retrievalScore != null && !Double.isFinite(retrievalScore)) {
                throw new IllegalArgumentException("doc " + docId + ": scores must be finite, got " + score + ", " + retrievalScore);
            }
        }
    }

    /** One query's hits, best first; {@code query} (its text) is null when the file has none. */
    public record QueryHits(String queryId, String query, List<Hit> hits) {
        public QueryHits {
            hits = List.copyOf(hits);
        }

        /** The doc ids, best first. */
        public List<String> docIds() {
            return hits.stream().map(Hit::docId).toList();
        }
    }

    /**
     * Every query of {@code file} in file order. Blank lines are skipped; a malformed line, a missing field, a
     * query id given twice or a doc listed twice for one query is an {@link InputException} at FILE:LINE.
     */
    public static List<QueryHits> read(Path file) {
        List<QueryHits> results = new ArrayList<>();
        Set<String> queryIds = new HashSet<>();
        try (Utf8LineReader lines = Utf8LineReader.open(file)) {
            for (String line; (line = lines.nextLine()) != null; ) {
                if (line.isBlank()) continue;
                long number = lines.lineNumber();
                QueryHits result = parse(JsonLines.object(line, file, number), file, number);
                if (!queryIds.add(result.queryId())) {
                    throw InputException.at(file, number, "query " + result.queryId() + " has a line already");
                }
                results.add(result);
            }
        }
        if (results.isEmpty()) throw InputException.in(file, "contains no queries");
        return results;
    }

    private static QueryHits parse(JsonNode object, Path file, long line) {
        String queryId = id(object, "query_id", "", file, line);
        String query = optionalText(object, "query", "", file, line);
        JsonNode hitArray = object.get("hits");
        if (hitArray == null || !hitArray.isArray()) throw InputException.at(file, line, "no \"hits\" array");
        List<Hit> hits = new ArrayList<>(hitArray.size());
        Set<String> docIds = new HashSet<>();
        for (JsonNode hit : hitArray) {
            String where = "hit " + (hits.size() + 1) + ": ";
            if (!hit.isObject()) throw InputException.at(file, line, where + "not an object");
            String docId = id(hit, "doc_id", where, file, line);
            if (!docIds.add(docId)) throw InputException.at(file, line, where + "doc " + docId + " is listed twice");
            double score = number(hit, "score", where, file, line);
            Double retrievalScore = hit.hasNonNull("retrieval_score") ? number(hit, "retrieval_score", where, file, line) : null;
            hits.add(new Hit(docId, score, optionalText(hit, "text", where, file, line), retrievalScore));
        }
        return new QueryHits(queryId, query, hits);
    }

    /** A string or number field, as text; required and non-blank. */
    private static String id(JsonNode object, String field, String where, Path file, long line) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) throw InputException.at(file, line, where + "no \"" + field + "\"");
        if (!value.isTextual() && !value.isNumber()) {
            throw InputException.at(file, line, where + "\"" + field + "\" must be a string or a number");
        }
        String id = value.asText().strip();
        if (id.isEmpty()) throw InputException.at(file, line, where + "empty \"" + field + "\"");
        return id;
    }

    private static String optionalText(JsonNode object, String field, String where, Path file, long line) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) return null;
        if (!value.isTextual()) throw InputException.at(file, line, where + "\"" + field + "\" must be a string");
        return value.asText();
    }

    private static double number(JsonNode object, String field, String where, Path file, long line) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) throw InputException.at(file, line, where + "no \"" + field + "\"");
        if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
            throw InputException.at(file, line, where + "\"" + field + "\" must be a finite number");
        }
        return value.asDouble();
    }

    /** Writes {@code results} whole or not at all; absent texts and retrieval scores are left out. */
    public static void write(Path file, List<QueryHits> results) {
        JsonLines.write(file, results.size(), i -> toJson(results.get(i)));
    }

    private static Map<String, Object> toJson(QueryHits result) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("query_id", result.queryId());
        if (result.query() != null) line.put("query", result.query());
        List<Map<String, Object>> hits = new ArrayList<>(result.hits().size());
        for (Hit hit : result.hits()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("doc_id", hit.docId());
            json.put("score", hit.score());
            if (hit.retrievalScore() != null) json.put("retrieval_score", hit.retrievalScore());
            if (hit.text() != null) json.put("text", hit.text());
            hits.add(json);
        }
        line.put("hits", hits);
        return line;
    }
}
