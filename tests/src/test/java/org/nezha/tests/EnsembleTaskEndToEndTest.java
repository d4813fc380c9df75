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
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nezha ensemble} of NER taggers and span readers, tiny models fine-tuned from scratch for a few steps:
 * one model listed twice is that model's own prediction by every method, two taggers (one with a CRF) vote
 * for the entities both predict, and members that cannot combine
 * (other tags, a CRF under mean, another task, sentence embeddings) are one error line and no output.
 */
class EnsembleTaskEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[][] METHODS = {{"--method", "mean"}, {"--method", "vote"}, {"--method", "weighted", "--weights", "1", "3"}};

    @Test
    void nerModelTwiceIsThatModelAndTwoModelsVoteForTheEntitiesBothPredict(@TempDir Path dir) throws Exception {
        Path train = TaskEndToEndTest.sentences(Fixtures.DATA.resolve("ner_resume/train.bmes"), 80, dir.resolve("train.bmes"));
        Path dev = TaskEndToEndTest.sentences(Fixtures.DATA.resolve("ner_resume/dev.bmes"), 20, dir.resolve("dev.bmes"));
        Path config = Fixtures.tinyConfig(dir);
        for (String crf : List.of("", "--crf")) {
            List<String> args = new ArrayList<>(List.of("finetune", "--task", "ner", "--model-config", config.toString(), "--vocab",
                    Fixtures.VOCAB.toString(), "--train", train.toString(), "--dev", dev.toString(), "--output", dir.resolve("ner" + crf).toString(),
                    "--max-steps", "20", "--batch-size", "16", "--seq-len", "32", "--lr", "5e-3", "--threads", "2"));
            if (!crf.isEmpty()) args.addAll(List.of(crf, "--seed", "7"));
            Cli run = Cli.run(args.toArray(String[]::new));
            assertEquals(0, run.exitCode(), run.toString());
        }
        Path softmax = dir.resolve("ner/best"), withCrf = dir.resolve("ner--crf/best");
        Path single = assertSameAsTwice(dir, softmax, dev, "jsonl");
        List<Set<String>> members = List.of(entities(single), entities(predict(dir, withCrf, dev, "crf.jsonl")));
        assertFalse(members.getFirst().isEmpty(), "the softmax tagger finds entities after 20 steps");

        // two members: an entity needs both (more than half), and a CRF member votes with its own decoding;
        // the output's missing parent directory is created, as for predict
        Path voted = dir.resolve("ensembles/voted.jsonl");
        Cli vote = Cli.run("ensemble", "--models", softmax.toString(), withCrf.toString(), "--input", dev.toString(), "--output", voted.toString(),
                "--method", "vote", "--threads", "2");
        assertEquals(0, vote.exitCode(), vote.toString());
        Set<String> both = new HashSet<>(members.get(0));
        both.retainAll(members.get(1));
        assertEquals(both, entities(voted));
        for (String line : Files.readAllLines(voted)) { // the tags spell the entities, in the members' scheme (BMES)
            JsonNode row = JSON.readTree(line);
            long entityTags = 0;
            for (JsonNode tag : row.get("tags")) if (tag.asText().startsWith("B-") || tag.asText().startsWith("S-")) entityTags++;
            assertEquals(row.get("entities").size(), entityTags, line);
        }
    }

    /** Each predicted entity as "line:start:end:type". */
    private static Set<String> entities(Path jsonl) throws Exception {
        Set<String> out = new HashSet<>();
        List<String> lines = Files.readAllLines(jsonl);
        for (int i = 0; i < lines.size(); i++) {
            for (JsonNode e : JSON.readTree(lines.get(i)).get("entities")) {
                out.add(i + ":" + e.get("start").asInt() + ":" + e.get("end").asInt() + ":" + e.get("type").asText());
            }
        }
        return out;
    }

    private static Path predict(Path dir, Path model, Path input, String name, String... options) {
        Path out = dir.resolve(name);
        Cli predict = Cli.run(concat(List.of("predict", "--model", model.toString(), "--input", input.toString(), "--output", out.toString(),
                "--threads", "2"), options));
        assertEquals(0, predict.exitCode(), predict.toString());
        return out;
    }

    @Test
    void spanModelTwiceIsThatModel(@TempDir Path dir) throws Exception {
        Path train = TaskEndToEndTest.articles(Fixtures.DATA.resolve("cmrc2018/train.json"), 4, dir.resolve("train.json"));
        Path dev = TaskEndToEndTest.articles(Fixtures.DATA.resolve("cmrc2018/dev.json"), 2, dir.resolve("dev.json"));
        String[] windows = {"--doc-stride", "32", "--max-query-length", "24"};
        List<String> args = new ArrayList<>(List.of("finetune", "--task", "span", "--model-config", Fixtures.tinyConfig(dir).toString(), "--vocab",
                Fixtures.VOCAB.toString(), "--train", train.toString(), "--dev", dev.toString(), "--output", dir.resolve("span").toString(),
                "--max-steps", "2", "--batch-size", "16", "--seq-len", "112", "--lr", "1e-3", "--threads", "2"));
        args.addAll(List.of(windows));
        Cli run = Cli.run(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        assertSameAsTwice(dir, dir.resolve("span/best"), dev, "json", windows);
    }

    /** predict's output equals that of the ensemble of {@code model} twice, by each method; predict's output. */
    private static Path assertSameAsTwice(Path dir, Path model, Path input, String extension, String... options) throws Exception {
        Path single = predict(dir, model, input, "single." + extension, options);
        for (String[] method : METHODS) {
            Path twice = dir.resolve("twice-" + method[1] + "." + extension);
            List<String> args = new ArrayList<>(List.of("ensemble", "--models", model.toString(), model.toString(), "--input", input.toString(),
                    "--output", twice.toString(), "--threads", "2"));
            args.addAll(List.of(method));
            Cli ensemble = Cli.run(concat(args, options));
            assertEquals(0, ensemble.exitCode(), ensemble.toString());
            assertTrue(ensemble.out().contains("ensemble of 2 "), ensemble.out());
            assertEquals(Files.readString(single), Files.readString(twice), method[1]);
        }
        return single;
    }

    private static String[] concat(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void membersThatCannotCombineAreOneErrorLine(@TempDir Path dir) throws Exception {
        Path bio = fakeModel(dir, "bio", "ner", false, "O", "B-PER", "I-PER");
        Path org = fakeModel(dir, "org", "ner", false, "O", "B-ORG", "I-ORG");
        Path crf = fakeModel(dir, "crf", "ner", true, "O", "B-PER", "I-PER");
        Path span = fakeModel(dir, "span", "span", false, "LABEL_0", "LABEL_1");
        Path embedding = fakeModel(dir, "embedding", "embedding", false);
        Path input = dir.resolve("input.jsonl");
        Files.writeString(input, "{\"text\": \"吴重阳\"}\n");
        Path out = dir.resolve("out.jsonl");
        String[][] cases = {
            {bio + "," + org + ",mean", org + ": labels [O, B-ORG, I-ORG], but " + bio + " has [O, B-PER, I-PER]: ensemble members must share "
                    + "their labels, in the same order"},
            {bio + "," + crf + ",mean", crf + ": has a CRF (use_crf): its tag scores are emissions for its learnt transitions, not "
                    + "distributions, so --method mean cannot average them; use --method vote (or weighted, a vote with --weights)"},
            {bio + "," + span + ",vote", span + ": a span model, but " + bio + " is a ner model: ensemble members must share their task"},
            {embedding + "," + embedding + ",mean", embedding + ": ensembles of sentence-embedding models are not supported; their vectors "
                    + "live in different spaces (embed with each model and combine the scores, e.g. average the cosine similarities, yourself)"},
        };
        for (String[] c : cases) {
            String[] models = c[0].split(",");
            Cli run = Cli.run("ensemble", "--models", models[0], models[1], "--input", input.toString(), "--output", out.toString(),
                    "--method", models[2]);
            assertEquals(2, run.exitCode(), run.toString());
            assertEquals("nezha: error: " + c[1], run.errorLine());
            assertEquals(1, run.err().lines().filter(l -> l.startsWith("nezha: ")).count(), run.err());
            assertFalse(Files.exists(out));
        }
    }

    /** A model directory with only a config.json and a vocabulary: enough for the checks made before any model loads. */
    private static Path fakeModel(Path dir, String name, String task, boolean crf, String... labels) throws Exception {
        Path model = dir.resolve(name);
        Files.createDirectories(model);
        ObjectNode config = (ObjectNode) JSON.readTree(Fixtures.tinyConfig(dir).toFile());
        config.put("nezha_task", task);
        if (crf) config.put("use_crf", true);
        ObjectNode id2label = config.putObject("id2label");
        for (int i = 0; i < labels.length; i++) id2label.put(Integer.toString(i), labels[i]);
        Files.writeString(model.resolve("config.json"), config.toString());
        Files.copy(Fixtures.VOCAB, model.resolve("vocab.txt"));
        return model;
    }
}
