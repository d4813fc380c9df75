package org.nezha.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * NER and span extraction through the CLI on slices of the bundled data: finetune (with the NER's CRF),
 * eval and predict chain as for classification, the model directories say what they are, and bad input
 * ends in one line naming the file and line (or question id) with nothing written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path dir;
    Path nerTrain, nerDev, spanTrain, spanDev, config;
    Cli nerRun, spanRun;

    @BeforeAll
    void fineTuneBoth() throws Exception {
        nerTrain = sentences(Fixtures.DATA.resolve("ner_resume/train.bmes"), 120, dir.resolve("ner-train.bmes"));
        nerDev = sentences(Fixtures.DATA.resolve("ner_resume/dev.bmes"), 30, dir.resolve("ner-dev.bmes"));
        spanTrain = articles(Fixtures.DATA.resolve("cmrc2018/train.json"), 12, dir.resolve("span-train.json"));
        spanDev = articles(Fixtures.DATA.resolve("cmrc2018/dev.json"), 4, dir.resolve("span-dev.json"));
        config = Fixtures.tinyConfig(dir);
        nerRun = Cli.run("finetune", "--task", "ner", "--crf", "--model-config", config.toString(), "--vocab", Fixtures.VOCAB.toString(),
                "--train", nerTrain.toString(), "--dev", nerDev.toString(), "--output", dir.resolve("ner").toString(), "--epochs", "1",
                "--batch-size", "16", "--seq-len", "48", "--threads", "2");
        assertEquals(0, nerRun.exitCode(), nerRun.toString());
        spanRun = Cli.run("finetune", "--task", "span", "--model-config", config.toString(), "--vocab", Fixtures.VOCAB.toString(),
                "--train", spanTrain.toString(), "--dev", spanDev.toString(), "--output", dir.resolve("span").toString(), "--epochs", "1",
                "--batch-size", "16", "--seq-len", "112", "--doc-stride", "32", "--max-query-length", "24", "--threads", "2");
        assertEquals(0, spanRun.exitCode(), spanRun.toString());
    }

    /** The first {@code n} sentences (blank-line separated) of a column file. */
    static Path sentences(Path source, int n, Path target) throws IOException {
        List<String> out = new ArrayList<>();
        int seen = 0;
        for (String line : Files.readAllLines(source)) {
            out.add(line);
            if (line.isBlank() && ++seen == n) break;
        }
        Files.write(target, out);
        return target;
    }

    /** The first {@code n} articles of a SQuAD-format file. */
    static Path articles(Path source, int n, Path target) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(source.toFile());
        ArrayNode data = (ArrayNode) root.get("data");
        while (data.size() > n) data.remove(data.size() - 1);
        JSON.writeValue(target.toFile(), root);
        return target;
    }

    @Test
    void nerModelIsATokenClassifierWithItsCrfAndTags() throws Exception {
        assertTrue(nerRun.out().contains("fine-tuning done (ner)"), nerRun.out());
        assertTrue(nerRun.out().contains("dev f1"), nerRun.out());
        JsonNode saved = JSON.readTree(dir.resolve("ner/best/config.json").toFile());
        assertEquals("NezhaForTokenClassification", saved.get("architectures").get(0).asText());
        assertEquals("ner", saved.get("nezha_task").asText());
        assertTrue(saved.get("use_crf").asBoolean());
        assertEquals("O", saved.get("id2label").get("0").asText());
        assertTrue(saved.get("label2id").has("B-NAME") && saved.get("label2id").has("S-NAME"), saved.toString());
    }

    @Test
    void nerEvalAndPredict() throws Exception {
        Cli eval = Cli.run("eval", "--model", dir.resolve("ner/best").toString(), "--data", nerDev.toString());
        assertEquals(0, eval.exitCode(), eval.toString());
        JsonNode metrics = JSON.readTree(eval.out());
        for (String key : List.of("f1", "precision", "recall", "token_accuracy", "per_type")) assertTrue(metrics.has(key), key);

        Path out = dir.resolve("ner-predictions.jsonl");
        Cli predict = Cli.run("predict", "--model", dir.resolve("ner/best").toString(), "--input", nerDev.toString(), "--output", out.toString());
        assertEquals(0, predict.exitCode(), predict.toString());
        List<String> lines = Files.readAllLines(out);
        assertEquals(30, lines.size(), "one line per sentence, in input order");
        JsonNode first = JSON.readTree(lines.getFirst());
        assertTrue(first.get("text").asText().startsWith("吴重阳"), first.toString());
        assertEquals(first.get("text").asText().length(), first.get("tags").size(), "a tag for every character");
        for (JsonNode e : first.get("entities")) {
            assertEquals(e.get("text").asText(), first.get("text").asText().substring(e.get("start").asInt(), e.get("end").asInt()));
        }
    }

    @Test
    void spanModelEvaluatesAndPredictsAsTheOfficialScriptReads() throws Exception {
        JsonNode saved = JSON.readTree(dir.resolve("span/best/config.json").toFile());
        assertEquals("NezhaForQuestionAnswering", saved.get("architectures").get(0).asText());
        assertEquals(2, saved.get("id2label").size(), "qa_outputs has num_labels rows");
        Cli eval = Cli.run("eval", "--model", dir.resolve("span/best").toString(), "--data", spanDev.toString(), "--doc-stride", "32",
                "--max-query-length", "24");
        assertEquals(0, eval.exitCode(), eval.toString());
        JsonNode metrics = JSON.readTree(eval.out());
        assertTrue(metrics.has("f1") && metrics.has("em"), metrics.toString());

        Path out = dir.resolve("answers.json");
        Cli predict = Cli.run("predict", "--model", dir.resolve("span/best").toString(), "--input", spanDev.toString(), "--output",
                out.toString(), "--doc-stride", "32", "--max-query-length", "24");
        assertEquals(0, predict.exitCode(), predict.toString());
        JsonNode answers = JSON.readTree(out.toFile());
        assertEquals(metrics.get("total").asInt(), answers.size());
        assertTrue(answers.has("DEV_0_QUERY_0"), answers.toString());
    }

    /** bf16 autocast: the encoder in bf16, the CRF's forward algorithm still gives a finite loss that falls. */
    @Test
    void nerWithACrfTrainsInBf16() throws Exception {
        Path out = dir.resolve("ner-bf16");
        Cli run = Cli.run("finetune", "--task", "ner", "--crf", "--precision", "bf16", "--model-config", config.toString(), "--vocab",
                Fixtures.VOCAB.toString(), "--train", nerTrain.toString(), "--dev", nerDev.toString(), "--output", out.toString(),
                "--max-steps", "12", "--batch-size", "16", "--seq-len", "48", "--lr", "3e-3", "--log-every", "1", "--threads", "2");
        assertEquals(0, run.exitCode(), run.toString());
        List<Double> losses = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode record = JSON.readTree(line);
            if (record.has("loss")) losses.add(record.get("loss").asDouble());
        }
        assertEquals(12, losses.size());
        assertTrue(losses.stream().allMatch(Double::isFinite), losses.toString());
        assertTrue(losses.getLast() < losses.getFirst(), losses.toString());
    }

    /** R-Drop compares each scored token's tags (CRF tagger) and the span's start and end distributions; both train. */
    @Test
    void rdropTrainsTaggingAndSpans() throws Exception {
        Cli ner = Cli.run("finetune", "--task", "ner", "--crf", "--rdrop", "1", "--model-config", config.toString(), "--vocab",
                Fixtures.VOCAB.toString(), "--train", nerTrain.toString(), "--dev", nerDev.toString(), "--output",
                dir.resolve("ner-rdrop").toString(), "--max-steps", "3", "--log-every", "1", "--batch-size", "16", "--seq-len", "48",
                "--threads", "2");
        assertEquals(0, ner.exitCode(), ner.toString());
        Cli span = Cli.run("finetune", "--task", "span", "--rdrop", "1", "--model-config", config.toString(), "--vocab",
                Fixtures.VOCAB.toString(), "--train", spanTrain.toString(), "--dev", spanDev.toString(), "--output",
                dir.resolve("span-rdrop").toString(), "--max-steps", "2", "--log-every", "1", "--batch-size", "8", "--seq-len", "112",
                "--doc-stride", "32", "--max-query-length", "24", "--threads", "2");
        assertEquals(0, span.exitCode(), span.toString());
        for (String run : List.of("ner-rdrop", "span-rdrop")) {
            for (String line : Files.readAllLines(dir.resolve(run).resolve("metrics.jsonl"))) {
                JsonNode record = JSON.readTree(line);
                if (record.has("loss")) assertTrue(record.get("loss").isNumber() && Double.isFinite(record.get("loss").asDouble()), line);
            }
        }
    }

    /** A tagger and a span reader take several dropout samples (the span head draws its masks before qa_outputs). */
    @Test
    void multiSampleDropoutForTaggersAndSpanReaders() throws Exception {
        Cli ner = Cli.run("finetune", "--task", "ner", "--multi-sample-dropout", "3", "--model-config", config.toString(), "--vocab",
                Fixtures.VOCAB.toString(), "--train", nerTrain.toString(), "--dev", nerDev.toString(), "--output",
                dir.resolve("ner-msd").toString(), "--max-steps", "2", "--batch-size", "16", "--seq-len", "48", "--threads", "2");
        assertEquals(0, ner.exitCode(), ner.toString());
        Path out = dir.resolve("span-msd");
        Cli span = Cli.run("finetune", "--task", "span", "--multi-sample-dropout", "2", "--model-config", config.toString(), "--vocab",
                Fixtures.VOCAB.toString(), "--train", spanTrain.toString(), "--dev", spanDev.toString(), "--output", out.toString(),
                "--max-steps", "2", "--log-every", "1", "--batch-size", "8", "--seq-len", "112", "--doc-stride", "32",
                "--max-query-length", "24", "--threads", "2");
        assertEquals(0, span.exitCode(), span.toString());
        assertEquals(2, JSON.readTree(out.resolve("training_args.json").toFile()).get("tricks").get("multi_sample_dropout").asInt());
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode record = JSON.readTree(line);
            if (record.has("loss")) assertTrue(record.get("loss").isNumber() && Double.isFinite(record.get("loss").asDouble()), line);
        }
    }

    /** A span run (whose config holds HF's two placeholder labels, not the data's) resumes from its checkpoint. */
    @Test
    void aSpanRunResumes() {
        Path out = dir.resolve("span-resumed");
        List<String> args = List.of("finetune", "--task", "span", "--model-config", config.toString(), "--vocab", Fixtures.VOCAB.toString(),
                "--train", spanTrain.toString(), "--dev", spanDev.toString(), "--output", out.toString(), "--max-steps", "2",
                "--checkpoint-every", "1", "--batch-size", "8", "--seq-len", "112", "--doc-stride", "32", "--max-query-length", "24",
                "--threads", "2");
        assertEquals(0, Cli.run(args.toArray(String[]::new)).exitCode());
        List<String> resume = new ArrayList<>(args);
        resume.addAll(List.of("--resume", out.resolve("checkpoint-1").toString()));
        Cli resumed = Cli.run(resume.toArray(String[]::new));
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertTrue(resumed.err().contains("resuming from"), resumed.err());
    }

    @Test
    void badTaskInputIsOneLineNamingWhereAndNothingIsWritten() throws Exception {
        Path noTag = dir.resolve("no-tag.bmes");
        Files.write(noTag, List.of("吴\tB-NAME", "重\tE-NAME", "阳", ""));
        assertBad(Cli.run("finetune", "--task", "ner", "--model-config", config.toString(), "--vocab", Fixtures.VOCAB.toString(), "--train",
                noTag.toString(), "--dev", nerDev.toString(), "--output", dir.resolve("bad-ner").toString()), noTag + ":3", dir.resolve("bad-ner"));

        Path unanswered = dir.resolve("unanswered.json");
        Files.writeString(unanswered, """
                {"data": [{"paragraphs": [{"context": "北京是中国的首都。", "qas": [{"id": "Q1", "question": "首都是哪里？", "answers": []}]}]}]}
                """);
        assertBad(Cli.run("finetune", "--task", "span", "--model-config", config.toString(), "--vocab", Fixtures.VOCAB.toString(), "--train",
                unanswered.toString(), "--dev", spanDev.toString(), "--output", dir.resolve("bad-span").toString(), "--seq-len", "112",
                "--doc-stride", "32", "--max-query-length", "24"), "Q1", dir.resolve("bad-span"));

        Path unknownTag = dir.resolve("unknown-tag.bmes");
        Files.write(unknownTag, List.of("吴\tB-PLANET", "重\tE-PLANET", ""));
        Path out = dir.resolve("never.json");
        assertBad(Cli.run("eval", "--model", dir.resolve("ner/best").toString(), "--data", unknownTag.toString()), unknownTag.toString(), out);
    }

    private static void assertBad(Cli run, String where, Path notWritten) {
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.errorLine().startsWith("nezha: error: ") && run.errorLine().contains(where), run.toString());
        assertEquals(1, run.err().lines().filter(l -> l.startsWith("nezha: ")).count(), run.err());
        assertFalse(Files.exists(notWritten), notWritten + " was written");
    }
}
