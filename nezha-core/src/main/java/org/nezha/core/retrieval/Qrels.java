package org.nezha.core.retrieval;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.nezha.core.InputException;
import org.nezha.core.data.Utf8LineReader;

/**
 * Relevance judgements: {@code query_id<TAB>doc_id[<TAB>relevance]} per line, relevance an integer ≥ 0
 * (default 1). Blank lines are skipped, and so is BEIR's header line {@code query-id<TAB>corpus-id<TAB>score}
 * when it is the first line, so BEIR's qrels files read as they are. A judgement of relevance 0 is kept
 * (judged not relevant) but does not make its query one with a relevant document.
 *
 * <p>Judgements naming a query or document that is not among the known ids are dropped and counted rather
 * than fatal: qrels files routinely cover more than the split or corpus sample in hand, and the caller
 * warns with the counts instead.
 */
public final class Qrels {
    private static final String BEIR_HEADER = "query-id\tcorpus-id\tscore";

    private final Map<String, Map<String, Integer>> byQuery;
    private final int droppedUnknownQuery;
    private final int droppedUnknownDoc;

    private Qrels(Map<String, Map<String, Integer>> byQuery, int droppedUnknownQuery, int droppedUnknownDoc) {
        this.byQuery = byQuery;
        this.droppedUnknownQuery = droppedUnknownQuery;
        this.droppedUnknownDoc = droppedUnknownDoc;
    }

    /** Every judgement in {@code file}, none dropped. */
    public static Qrels read(Path file) {
        return read(file, null, null);
    }

    /**
     * The judgements in {@code file} whose query is in {@code queryIds} and whose document is in {@code docIds}
     * (null: any id is known); the others are counted in {@link #droppedUnknownQuery} (checked first) or
     * {@link #droppedUnknownDoc}. A malformed line, or a second judgement of the same pair (which one to believe
     * is not ours to guess), is an {@link InputException} at FILE:LINE.
     */
    public static Qrels read(Path file, Set<String> queryIds, Set<String> docIds) {
        Map<String, Map<String, Integer>> byQuery = new LinkedHashMap<>();
        int unknownQuery = 0, unknownDoc = 0;
        try (Utf8LineReader reader = Utf8LineReader.open(file)) {
            for (String line; (line = reader.nextLine()) != null; ) {
                long lineNumber = reader.lineNumber();
                if (line.isBlank()) continue;
                if (lineNumber == 1 && line.strip().equals(BEIR_HEADER)) continue;
                String[] fields = line.split("\t", -1);
                if (fields.length < 2 || fields.length > 3) {
                    throw InputException.at(file, lineNumber,
                            "expected query_id<TAB>doc_id[<TAB>relevance], found " + fields.length + " tab-separated fields");
                }
                String query = fields[0].strip(), doc = fields[1].strip();
                if (query.isEmpty()) throw InputException.at(file, lineNumber, "empty query id");
                if (doc.isEmpty()) throw InputException.at(file, lineNumber, "empty doc id");
                int relevance = fields.length == 3 ? relevance(file, lineNumber, fields[2].strip()) : 1;
                if (queryIds != null && !queryIds.contains(query)) {
                    unknownQuery++;
                    continue;
                }
                if (docIds != null && !docIds.contains(doc)) {
                    unknownDoc++;
                    continue;
                }
                Integer previous = byQuery.computeIfAbsent(query, q -> new LinkedHashMap<>()).putIfAbsent(doc, relevance);
                if (previous != null) {
                    throw InputException.at(file, lineNumber, "second judgement of query " + query + " and doc " + doc);
                }
            }
        }
        byQuery.replaceAll((q, docs) -> Collections.unmodifiableMap(docs));
        return new Qrels(Collections.unmodifiableMap(byQuery), unknownQuery, unknownDoc);
    }

    private static int relevance(Path file, long lineNumber, String text) {
        try {
            int relevance = Integer.parseInt(text);
            if (relevance >= 0) return relevance;
        } catch (NumberFormatException e) {
            // reported below with the text
        }
        throw InputException.at(file, lineNumber, "relevance must be an integer >= 0, found '" + text + "'");
    }

    /** Judgements made from memory (tests, other readers): query → doc → relevance ≥ 0. */
    public static Qrels of(Map<String, Map<String, Integer>> judgements) {
        Map<String, Map<String, Integer>> copy = new LinkedHashMap<>();
        judgements.forEach((query, docs) -> {
            docs.forEach((doc, relevance) -> {
                if (relevance < 0) throw new IllegalArgumentException("relevance " + relevance + " < 0 for " + query + "/" + doc);
            });
            copy.put(query, Collections.unmodifiableMap(new LinkedHashMap<>(docs)));
        });
        return new Qrels(Collections.unmodifiableMap(copy), 0, 0);
    }

    /** Query id → (doc id → relevance), in file order; unmodifiable. */
    public Map<String, Map<String, Integer>> byQuery() {
        return byQuery;
    }

    /** The judgements of {@code queryId} (empty if none). */
    public Map<String, Integer> judgements(String queryId) {
        return byQuery.getOrDefault(queryId, Map.of());
    }

    /** The relevance of {@code docId} for {@code queryId}; 0 when not judged. */
    public int relevance(String queryId, String docId) {
        return judgements(queryId).getOrDefault(docId, 0);
    }

    /** Whether {@code queryId} has at least one judgement with relevance > 0. */
    public boolean hasRelevant(String queryId) {
        return judgements(queryId).values().stream().anyMatch(r -> r > 0);
    }

    /** Judgements dropped because their query id was not known. */
    public int droppedUnknownQuery() {
        return droppedUnknownQuery;
    }

    /** Judgements dropped because their doc id was not known (their query was). */
    public int droppedUnknownDoc() {
        return droppedUnknownDoc;
    }

    /** Judgements kept. */
    public int size() {
        return byQuery.values().stream().mapToInt(Map::size).sum();
    }
}
