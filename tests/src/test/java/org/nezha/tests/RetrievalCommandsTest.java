package org.nezha.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * retrieval-set, rerank and eval --task retrieval through the CLI: a benchmark made from pairs, a hand-made
 * candidates file reranked by a tiny randomly initialised pair classifier (a few training steps), the reranked
 * file scored against qrels, and bad input ending in one line with nothing written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetrievalCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path dir;
    Path pairModel, candidates, qrels;

    @BeforeAll
    void fineTuneAPairClassifier() throws Exception {
        Path train = Fixtures.head(Fixtures.AFQMC_TRAIN, 48, dir.resolve("train.tsv"));
        Path dev = Fixtures.head(Fixtures.AFQMC_DEV, 16, dir.resolve("dev.tsv"));
        Cli fine = Cli.run("finetune", "--task", "pair", "--model-config", Fixtures.tinyConfig(dir).toString(), "--vocab",
                Fixtures.VOCAB.toString(), "--train", train.toString(), "--dev", dev.toString(), "--output", dir.resolve("pair").toString(),
                "--max-steps", "3", "--batch-size", "16", "--seq-len", "48", "--threads", "2");
        assertEquals(0, fine.exitCode(), fine.toString());
        pairModel = dir.resolve("pair/best");
        candidates = dir.resolve("candidates.jsonl");
        Files.writeString(candidates, """
                {"query_id": "q1", "query": "花呗怎么还款", "hits": [{"doc_id": "d1", "score": 0.9, "text": "花呗如何还钱"}, {"doc_id": "d2", "score": 0.8, "text": "借呗额度怎么提升"}, {"doc_id": "d3", "score": 0.7, "text": "今天天气很好"}, {"doc_id": "d4", "score": 0.6, "text": "蚂蚁森林怎么种树"}]}
                {"query_id": "q2", "query": "借呗能提前还吗", "hits": [{"doc_id": "d5", "score": 12.5, "text": "借呗可以提前还款吗"}, {"doc_id": 6, "score": 3, "text": "花呗分期"}]}
                {"query_id": "q3", "query": "余额宝收益", "hits": []}
                """);
        qrels = dir.resolve("qrels.tsv");
        Files.writeString(qrels, "q1\td1\t1\nq2\td5\t1\nq4\td9\t1\n");
    }

    @Test
    void retrievalSetFromPairs() throws Exception {
        Path pairs = dir.resolve("pairs.tsv");
        Files.writeString(pairs, "花呗怎么还款\t花呗如何还钱\t1\n借呗额度\t花呗怎么还款\t0\n蚂蚁森林\t蚂蚁森林\t1\n");
        Path out = dir.resolve("set");
        Cli run = Cli.run("retrieval-set", "--pairs", pairs.toString(), "--output", out.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("1 queries, 4 documents, 1 judgements"), run.out());
        assertTrue(run.out().contains("positive pairs  2 (1 of one text twice"), run.out());
        assertEquals("{\"id\":\"s1\",\"text\":\"花呗怎么还款\"}\n", Files.readString(out.resolve("queries.jsonl")));
        assertEquals(4, Files.readAllLines(out.resolve("corpus.jsonl")).size());
        assertEquals("s1\ts2\t1\n", Files.readString(out.resolve("qrels.tsv")));

        Cli again = Cli.run("retrieval-set", "--pairs", pairs.toString(), "--output", out.toString());
        assertBad(again, out + ": output directory is not empty", null);
        Cli overwritten = Cli.run("retrieval-set", "--pairs", pairs.toString(), "--output", out.toString(), "--overwrite", "--positive-label", "0");
        assertEquals(0, overwritten.exitCode(), overwritten.toString());
        assertEquals("s3\ts1\t1\n", Files.readString(out.resolve("qrels.tsv")));
    }

    @Test
    void retrievalSetOfTheBundledStsBDevSet() throws Exception {
        Path out = dir.resolve("sts-set");
        Cli run = Cli.run("retrieval-set", "--pairs", Fixtures.DATA.resolve("sts_b_zh/dev.txt").toString(), "--output", out.toString(),
                "--positive-label", "5");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(Files.readAllLines(out.resolve("qrels.tsv")).size() > 10, run.out());
    }

    @Test
    void rerankReordersTheFirstNHitsByThePairModelsScore() throws Exception {
        Path out = dir.resolve("reranked/out.jsonl");
        Cli run = Cli.run("rerank", "--model", pairModel.toString(), "--candidates", candidates.toString(), "--top-n", "3", "--output",
                out.toString(), "--batch-size", "2", "--threads", "2");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("3 queries, 5 pairs scored"), run.out());
        assertTrue(run.out().contains("1 hits beyond --top-n, 0 below --threshold"), run.out());
        List<JsonNode> lines = jsonLines(out);
        assertEquals(List.of("q1", "q2", "q3"), lines.stream().map(l -> l.get("query_id").asText()).toList());
        assertEquals("花呗怎么还款", lines.getFirst().get("query").asText());
        Map<String, Double> firstStage = Map.of("d1", 0.9, "d2", 0.8, "d3", 0.7, "d5", 12.5, "6", 3.0);
        List<Integer> sizes = new ArrayList<>();
        for (JsonNode line : lines) {
            JsonNode hits = line.get("hits");
            sizes.add(hits.size());
            for (int i = 0; i < hits.size(); i++) {
                JsonNode hit = hits.get(i);
                double score = hit.get("score").asDouble();
                assertTrue(score >= 0 && score <= 1, hit.toString());
                if (i > 0) assertTrue(hits.get(i - 1).get("score").asDouble() >= score, "best first: " + hits);
                assertEquals(firstStage.get(hit.get("doc_id").asText()), hit.get("retrieval_score").asDouble(), 0, hit.toString());
                assertTrue(hit.get("text").asText().length() > 1, hit.toString());
            }
        }
        assertEquals(List.of(3, 2, 0), sizes, "the first 3 hits of q1, both of q2, none of q3");

        Path metricsFile = dir.resolve("metrics.json");
        Cli eval = Cli.run("eval", "--task", "retrieval", "--run", out.toString(), "--qrels", qrels.toString(), "--output", metricsFile.toString());
        assertEquals(0, eval.exitCode(), eval.toString());
        JsonNode metrics = JSON.readTree(eval.out());
        assertEquals(JSON.readTree(metricsFile.toFile()), metrics);
        assertEquals("retrieval", metrics.get("task").asText());
        assertEquals(3, metrics.get("queries").asInt(), "q1, q2 and q4 (missing, scored 0)");
        assertEquals(1, metrics.get("queries_missing_from_run").asInt());
        assertEquals(1, metrics.get("run_queries_without_relevant").asInt());
        assertEquals(2 / 3.0, metrics.get("recall@5").asDouble(), 1e-12, "d1 and d5 are among the kept hits");
        for (String key : List.of("recall@1", "recall@10", "recall@50", "mrr@10", "ndcg@10", "identical_ids_ignored", "seconds")) {
            assertTrue(metrics.has(key), key);
        }
        assertTrue(eval.err().contains("1 queries of " + qrels + " are not in " + out + "; they score 0"), eval.err());
    }

    @Test
    void aThresholdOfOneDropsEveryHitScoringBelowOne() throws Exception {
        Path out = dir.resolve("thresholded.jsonl");
        Cli run = Cli.run("rerank", "--model", pairModel.toString(), "--candidates", candidates.toString(), "--top-n", "10", "--threshold",
                "1.0", "--output", out.toString());
        assertEquals(0, run.exitCode(), run.toString());
        List<JsonNode> lines = jsonLines(out);
        assertEquals(3, lines.size(), "every query keeps its line");
        int kept = 0;
        for (JsonNode line : lines) {
            for (JsonNode hit : line.get("hits")) {
                assertTrue(hit.get("score").asDouble() >= 1, hit.toString());
                kept++;
            }
        }
        assertTrue(run.out().contains((6 - kept) + " below --threshold"), run.out());
    }

    @Test
    void badRerankInputIsOneLineAndNothingIsWritten() throws Exception {
        Path out = dir.resolve("never.jsonl");
        String model = pairModel.toString(), input = candidates.toString();
        assertBad(rerank(model, input, out, "--top-n", "0"), "--top-n must be at least 1", out);
        assertBad(rerank(model, input, out, "--top-n", "2", "--threshold", "1.5"), "--threshold must be in [0, 1], got 1.5", out);
        assertBad(rerank(model, dir.resolve("none.jsonl").toString(), out, "--top-n", "2"), "none.jsonl: file not found", out);
        assertBad(rerank(model, input, out, "--top-n", "2", "--positive-label", "yes"), "has no label yes (its labels: 0, 1)", out);

        Path noText = dir.resolve("no-text.jsonl");
        Files.writeString(noText, "{\"query_id\": \"q1\", \"query\": \"问\", \"hits\": [{\"doc_id\": \"d1\", \"score\": 1, \"text\": \"答\"}, "
                + "{\"doc_id\": \"d2\", \"score\": 0.5}]}\n");
        assertBad(rerank(model, noText.toString(), out, "--top-n", "2"), noText + ": query q1: doc d2 has no \"text\"", out);
        assertEquals(0, rerank(model, noText.toString(), out, "--top-n", "1").exitCode(), "a hit beyond N needs no text");
        Files.delete(out);
        Path malformed = dir.resolve("malformed.jsonl");
        Files.writeString(malformed, "{\"query_id\": \"q1\", \"hits\": []}\n{\"query_id\": \"q2\", \"hits\": [{\"score\": 1}]}\n");
        assertBad(rerank(model, malformed.toString(), out, "--top-n", "2"), malformed + ":2: hit 1: no \"doc_id\"", out);

        Path single = Files.createDirectories(dir.resolve("single-model"));
        try (Stream<Path> files = Files.list(pairModel)) {
            for (Path f : files.toList()) Files.copy(f, single.resolve(f.getFileName()));
        }
        Path config = single.resolve("config.json");
        Files.writeString(config, Files.readString(config).replaceAll("\"nezha_task\"\\s*:\\s*\"pair\"", "\"nezha_task\": \"single\""));
        assertTrue(Files.readString(config).contains("\"single\""), Files.readString(config));
        assertBad(rerank(single.toString(), input, out, "--top-n", "2"), "is a model for single, not a sentence-pair classifier", out);
    }

    @Test
    void evalIgnoresAHitOfTheQuerysOwnIdUnlessToldNotTo() throws Exception {
        Path run = dir.resolve("self-run.jsonl");
        Files.writeString(run, "{\"query_id\": \"s1\", \"hits\": [{\"doc_id\": \"s1\", \"score\": 1}, {\"doc_id\": \"s2\", \"score\": 0.5}]}\n");
        Path judged = dir.resolve("self-qrels.tsv");
        Files.writeString(judged, "s1\ts2\n");
        JsonNode ignoring = JSON.readTree(Cli.run("eval", "--task", "retrieval", "--run", run.toString(), "--qrels", judged.toString()).out());
        assertEquals(1.0, ignoring.get("mrr@10").asDouble(), 0);
        assertEquals(1, ignoring.get("identical_ids_ignored").asInt());
        JsonNode keeping = JSON.readTree(Cli.run("eval", "--task", "retrieval", "--run", run.toString(), "--qrels", judged.toString(),
                "--no-ignore-identical-ids").out());
        assertEquals(0.5, keeping.get("mrr@10").asDouble(), 0);
        assertEquals(0, keeping.get("identical_ids_ignored").asInt());
    }

    @Test
    void badRetrievalEvalAndRetrievalSetInput() throws Exception {
        Path out = dir.resolve("never-metrics.json");
        assertBad(Cli.run("eval", "--task", "retrieval", "--run", candidates.toString(), "--output", out.toString()), "needs --qrels", out);
        assertBad(Cli.run("eval", "--task", "retrieval", "--qrels", qrels.toString()), "scores one of: --run RESULTS, --index INDEX --queries FILE, or --model DIR", null);
        assertBad(Cli.run("eval", "--task", "retrieval", "--run", candidates.toString(), "--qrels", qrels.toString(), "--model",
                pairModel.toString()), "--run is scored as it is; it takes no --model or --queries", null);
        assertBad(Cli.run("eval", "--run", candidates.toString(), "--qrels", qrels.toString(), "--model", pairModel.toString(), "--data",
                candidates.toString()), "--run, --index, --queries, --corpus and --qrels are for --task retrieval", null);
        assertBad(Cli.run("eval", "--data", candidates.toString()), "Missing required option: '--model=DIR'", null);
        Path badQrels = dir.resolve("bad-qrels.tsv");
        Files.writeString(badQrels, "q1\td1\tmany\n");
        assertBad(Cli.run("eval", "--task", "retrieval", "--run", candidates.toString(), "--qrels", badQrels.toString(), "--output",
                out.toString()), badQrels + ":1: relevance must be an integer", out);

        Path negatives = dir.resolve("negatives.tsv");
        Files.writeString(negatives, "甲\t乙\t0\n");
        Path set = dir.resolve("never-set");
        assertBad(Cli.run("retrieval-set", "--pairs", negatives.toString(), "--output", set.toString()), "no pair is labelled 1", set);
        assertBad(Cli.run("retrieval-set", "--pairs", dir.resolve("none.tsv").toString(), "--output", set.toString()), "file not found", set);
    }

    private static Cli rerank(String model, String candidates, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("rerank", "--model", model, "--candidates", candidates, "--output", out.toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    static List<JsonNode> jsonLines(Path file) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) lines.add(JSON.readTree(line));
        return lines;
    }

    static void assertBad(Cli run, String fragment, Path notWritten) {
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.errorLine().startsWith("nezha: error: ") && run.errorLine().contains(fragment), run.toString());
        assertEquals(1, run.err().lines().filter(l -> l.startsWith("nezha: ")).count(), run.err());
        assertEquals("", run.out(), run.toString());
        if (notWritten != null) assertFalse(Files.exists(notWritten), notWritten + " was written");
    }
}
