package org.nezha.core.retrieval;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.nezha.core.InputException;
import org.nezha.core.data.TaskExample;
import org.nezha.core.io.AtomicDirectories;

/**
 * A retrieval benchmark made from labelled sentence pairs (AFQMC, LCQMC, …), BEIR-style: the corpus is every
 * distinct sentence of the file (both sides, exact text, ids {@code s1, s2, …} in first-appearance order), the
 * queries are the distinct first sentences of the positive pairs, each under its own corpus id, and each query's
 * relevant documents (relevance 1) are the second sentences of its positive pairs. The query's own sentence is in
 * the corpus under the query's id, so evaluate with {@link RunEvaluation}'s {@code ignoreIdenticalIds} (BEIR's
 * {@code ignore_identical_ids}). A positive pair of two identical texts judges nothing (finding the query itself
 * proves nothing), and a query left with no judgement is not a query.
 */
public final class PairRetrievalSet {
    public static final String QUERIES = "queries.jsonl";
    public static final String CORPUS = "corpus.jsonl";
    public static final String QRELS = "qrels.tsv";

    private final Map<String, String> corpus;
    private final Map<String, Set<String>> relevant;
    private final int positivePairs;
    private final int identicalPositivePairs;

    private PairRetrievalSet(Map<String, String> corpus, Map<String, Set<String>> relevant, int positivePairs, int identicalPositivePairs) {
        this.corpus = corpus;
        this.relevant = relevant;
        this.positivePairs = positivePairs;
        this.identicalPositivePairs = identicalPositivePairs;
    }

    /** The set made from {@code pairs} (read from {@code file}, named in errors), positive where labelled {@code positiveLabel}. */
    public static PairRetrievalSet from(List<TaskExample> pairs, String positiveLabel, Path file) {
        if (pairs.getFirst().label() == null) throw InputException.in(file, "has no labels; a retrieval set needs to know which pairs match");
        Map<String, String> idsByText = new LinkedHashMap<>();
        Map<String, Set<String>> relevant = new LinkedHashMap<>();
        int positive = 0, identical = 0;
        for (TaskExample pair : pairs) {
            String a = idOf(pair.textA(), idsByText), b = idOf(pair.textB(), idsByText);
            if (!pair.label().equals(positiveLabel)) continue;
            positive++;
            if (a.equals(b)) identical++;
            else relevant.computeIfAbsent(a, q -> new LinkedHashSet<>()).add(b);
        }
        if (positive == 0) {
            Set<String> labels = new TreeSet<>();
            pairs.forEach(p -> labels.add(p.label()));
            throw InputException.in(file, "no pair is labelled " + positiveLabel + " (the labels: " + String.join(", ", labels)
                    + "); pass the positive one with --positive-label");
        }
        if (relevant.isEmpty()) throw InputException.in(file, "every positive pair is one text twice: no query has anything to find");
        Map<String, String> corpus = new LinkedHashMap<>();
        idsByText.forEach((text, id) -> corpus.put(id, text));
        return new PairRetrievalSet(Collections.unmodifiableMap(corpus), Collections.unmodifiableMap(relevant), positive, identical);
    }

    private static String idOf(String text, Map<String, String> idsByText) {
        return idsByText.computeIfAbsent(text, t -> "s" + (idsByText.size() + 1));
    }

    /** Doc id → text, in id order. */
    public Map<String, String> corpus() {
        return corpus;
    }

    /** Query id → its relevant doc ids, queries in first-appearance order. */
    public Map<String, Set<String>> relevant() {
        return relevant;
    }

    public int positivePairs() {
        return positivePairs;
    }

    /** Positive pairs of one text twice, which judge nothing. */
    public int identicalPositivePairs() {
        return identicalPositivePairs;
    }

    public int judgements() {
        return relevant.values().stream().mapToInt(Set::size).sum();
    }

    /** Writes DIR/queries.jsonl, DIR/corpus.jsonl and DIR/qrels.tsv, replacing DIR whole or leaving it as it was. */
    public void write(Path dir) {
        AtomicDirectories.replace(dir, staging -> {
            texts(new ArrayList<>(relevant.keySet())).write(staging.resolve(QUERIES));
            texts(new ArrayList<>(corpus.keySet())).write(staging.resolve(CORPUS));
            try (BufferedWriter out = Files.newBufferedWriter(staging.resolve(QRELS), StandardCharsets.UTF_8)) {
                for (var query : relevant.entrySet()) {
                    for (String doc : query.getValue()) out.write(query.getKey() + "\t" + doc + "\t1\n");
                }
            }
        });
    }

    /** The sentences of {@code ids}, written as queries and corpus files share them: {"id": …, "text": …} per line. */
    private IndexDocs texts(List<String> ids) {
        return new IndexDocs(ids, ids.stream().map(corpus::get).toList());
    }
}
