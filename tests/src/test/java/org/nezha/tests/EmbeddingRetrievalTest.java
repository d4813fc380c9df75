package org.nezha.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.io.Npy;

/**
 * The two-stage retrieval path through the CLI on a slice of AFQMC: a tiny embedding model and a tiny pair
 * classifier (a few steps each), {@code embed → index → search → rerank → eval}, the three ways eval ranks,
 * and the bad inputs of each command.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddingRetrievalTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path dir;
    Path embedder, pairModel, set;

    @BeforeAll
    void trainTinyModelsAndMakeARetrievalSet() throws Exception {
        Path config = Fixtures.tinyConfig(dir);
        Path train = Fixtures.head(Fixtures.AFQMC_TRAIN, 64, dir.resolve("train.tsv"));
        Path dev = Fixtures.head(Fixtures.AFQMC_DEV, 24, dir.resolve("dev.tsv"));
        for (String task : List.of("embedding", "pair")) {
            Cli fine = Cli.run("finetune", "--task", task, "--model-config", config.toString(), "--vocab", Fixtures.VOCAB.toString(),
                    "--train", train.toString(), "--dev", dev.toString(), "--output", dir.resolve(task).toString(), "--max-steps", "3",
                    "--batch-size", "16", "--seq-len", "32", "--threads", "2");
            assertEquals(0, fine.exitCode(), fine.toString());
        }
        embedder = dir.resolve("embedding/best");
        pairModel = dir.resolve("pair/best");
        set = dir.resolve("set");
        Cli made = Cli.run("retrieval-set", "--pairs", Fixtures.head(Fixtures.AFQMC_DEV, 150, dir.resolve("pairs.tsv")).toString(),
                "--output", set.toString());
        assertEquals(0, made.exitCode(), made.toString());
    }

    private Path q() {
        return set.resolve("queries.jsonl");
    }

    private Path corpus() {
        return set.resolve("corpus.jsonl");
    }

    @Test
    void embedWritesNpyWithIdsOrJsonLinesInInputOrder() throws Exception {
        Path npy = dir.resolve("vectors/corpus.npy"), jsonl = dir.resolve("vectors/corpus.jsonl");
        Cli run = Cli.run("embed", "--model", embedder.toString(), "--input", corpus().toString(), "--output", npy.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("(mean pooling, 32 dimensions)"), run.out());
        Npy.Matrix matrix = Npy.read(npy);
        List<JsonNode> texts = RetrievalCommandsTest.jsonLines(corpus());
        assertEquals(texts.size(), matrix.rows());
        assertEquals(32, matrix.columns());
        assertEquals(texts.stream().map(t -> t.get("id").asText()).toList(), Files.readAllLines(dir.resolve("vectors/corpus.ids.txt")));
        double norm = 0;
        for (int i = 0; i < 32; i++) norm += matrix.values()[i] * matrix.values()[i];
        assertEquals(1, norm, 1e-5, "unit vectors");

        Cli unsorted = Cli.run("embed", "--model", embedder.toString(), "--input", corpus().toString(), "--output", jsonl.toString(),
                "--no-length-sort");
        assertEquals(0, unsorted.exitCode(), unsorted.toString());
        List<JsonNode> lines = RetrievalCommandsTest.jsonLines(jsonl);
        assertEquals(texts.size(), lines.size());
        JsonNode last = lines.getLast();
        assertEquals(texts.getLast().get("id").asText(), last.get("id").asText());
        int row = texts.size() - 1;
        for (int i = 0; i < 32; i++) {
            assertEquals(matrix.values()[row * 32 + i], last.get("embedding").get(i).floatValue(), 1e-5, "batching by length changes no vector");
        }
    }

    @Test
    void indexSearchRerankAndEvalAgree() throws Exception {
        Path index = dir.resolve("index");
        Cli built = Cli.run("index", "--model", embedder.toString(), "--corpus", corpus().toString(), "--output", index.toString());
        assertEquals(0, built.exitCode(), built.toString());

        // exact search deep enough for every metric gives what eval's own exact ranking gives
        Path exact = dir.resolve("exact.jsonl");
        Cli searched = Cli.run("search", "--index", index.toString(), "--queries", q().toString(), "--top-k", "50", "--exact", "--output",
                exact.toString());
        assertEquals(0, searched.exitCode(), searched.toString());
        JsonNode fromRun = eval("--run", exact.toString());
        JsonNode fromModel = eval("--model", embedder.toString(), "--queries", q().toString(), "--corpus", corpus().toString());
        JsonNode fromIndex = eval("--index", index.toString(), "--queries", q().toString(), "--exact");
        for (String metric : List.of("recall@1", "recall@5", "recall@10", "recall@50", "mrr@10", "ndcg@10")) {
            assertEquals(fromModel.get(metric).asDouble(), fromRun.get(metric).asDouble(), 1e-12, metric);
            assertEquals(fromModel.get(metric).asDouble(), fromIndex.get(metric).asDouble(), 1e-12, metric);
        }
        assertTrue(fromModel.get("queries").asInt() > 30, fromModel.toString());
        for (JsonNode line : RetrievalCommandsTest.jsonLines(exact)) {
            assertEquals(50, line.get("hits").size());
            for (JsonNode hit : line.get("hits")) assertFalse(hit.get("doc_id").equals(line.get("query_id")), "a query does not find itself");
        }

        // the approximate path, then the cross-encoder over its top 5
        Path hnsw = dir.resolve("hnsw.jsonl"), reranked = dir.resolve("reranked.jsonl");
        assertEquals(0, Cli.run("search", "--index", index.toString(), "--queries", q().toString(), "--top-k", "10", "--output",
                hnsw.toString()).exitCode());
        Cli rerank = Cli.run("rerank", "--model", pairModel.toString(), "--candidates", hnsw.toString(), "--top-n", "5", "--output",
                reranked.toString());
        assertEquals(0, rerank.exitCode(), rerank.toString());
        List<JsonNode> before = RetrievalCommandsTest.jsonLines(hnsw), after = RetrievalCommandsTest.jsonLines(reranked);
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            Set<String> firstFive = new HashSet<>();
            for (int r = 0; r < 5; r++) firstFive.add(before.get(i).get("hits").get(r).get("doc_id").asText());
            Set<String> kept = new HashSet<>();
            for (JsonNode hit : after.get(i).get("hits")) kept.add(hit.get("doc_id").asText());
            assertEquals(firstFive, kept, "rerank reorders the first five hits");
        }
        JsonNode retrieval = eval("--run", hnsw.toString()), twoStage = eval("--run", reranked.toString());
        assertEquals(retrieval.get("queries").asInt(), twoStage.get("queries").asInt());
        assertEquals(retrieval.get("recall@5").asDouble(), twoStage.get("recall@5").asDouble(), 1e-12, "same five documents, reordered");
    }

    private JsonNode eval(String... source) throws Exception {
        List<String> args = new ArrayList<>(List.of("eval", "--task", "retrieval", "--qrels", set.resolve("qrels.tsv").toString()));
        args.addAll(List.of(source));
        Cli run = Cli.run(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        return JSON.readTree(run.out());
    }

    @Test
    void badRetrievalInputIsOneLineAndLeavesNothing() throws Exception {
        Path index = dir.resolve("bad-index");
        assertEquals(0, Cli.run("index", "--model", embedder.toString(), "--corpus", corpus().toString(), "--output", index.toString()).exitCode());
        Path out = dir.resolve("never.jsonl");
        RetrievalCommandsTest.assertBad(Cli.run("search", "--index", index.toString(), "--queries", q().toString(), "--model",
                pairModel.toString(), "--output", out.toString()), index + " was built by another model", out);
        RetrievalCommandsTest.assertBad(Cli.run("search", "--index", index.toString(), "--queries", q().toString(), "--pooling", "cls",
                "--output", out.toString()), "--pooling cls: the model was trained with mean pooling", out);
        int size = RetrievalCommandsTest.jsonLines(corpus()).size();
        RetrievalCommandsTest.assertBad(Cli.run("search", "--index", index.toString(), "--queries", q().toString(), "--top-k", "0",
                "--output", out.toString()), "--top-k 0: must be in [1, " + size + "]", out);
        RetrievalCommandsTest.assertBad(Cli.run("search", "--index", index.toString(), "--queries", q().toString(), "--top-k",
                String.valueOf(size + 1), "--output", out.toString()), "--top-k " + (size + 1) + ": must be in [1, " + size + "]", out);
        Path noIds = Files.writeString(dir.resolve("no-ids.jsonl"), "{\"id\": \"a\", \"text\": \"花呗\"}\n{\"text\": \"借呗\"}\n");
        RetrievalCommandsTest.assertBad(Cli.run("search", "--index", index.toString(), "--queries", noIds.toString(), "--output",
                out.toString()), noIds + ":2: no \"id\"", out);
        RetrievalCommandsTest.assertBad(Cli.run("embed", "--model", embedder.toString(), "--input", corpus().toString(), "--output",
                dir.resolve("vectors.csv").toString()), "name it .npy", dir.resolve("vectors.csv"));
        RetrievalCommandsTest.assertBad(Cli.run("index", "--model", embedder.toString(), "--corpus", corpus().toString(), "--output",
                index.toString()), "not empty", null);

        // qrels naming ids neither file has: counted and reported, not fatal
        String query = RetrievalCommandsTest.jsonLines(q()).getFirst().get("id").asText();
        Path qrels = Files.writeString(dir.resolve("unknown-qrels.tsv"), Files.readString(set.resolve("qrels.tsv"))
                + "nobody\ts1\t1\n" + query + "\tnothing\t1\n");
        Cli counted = Cli.run("eval", "--task", "retrieval", "--qrels", qrels.toString(), "--model", embedder.toString(), "--queries",
                q().toString(), "--corpus", corpus().toString());
        assertEquals(0, counted.exitCode(), counted.toString());
        JsonNode metrics = JSON.readTree(counted.out());
        assertEquals(1, metrics.get("qrels_unknown_query").asInt());
        assertEquals(1, metrics.get("qrels_unknown_doc").asInt());
        assertTrue(counted.err().contains("names 1 unknown queries and 1 unknown documents"), counted.err());
    }
}
