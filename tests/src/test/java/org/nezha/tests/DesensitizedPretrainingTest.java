package org.nezha.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.tokenizer.BertTokenizer;

/**
 * The README's desensitized chain on a slice of the bundled data: a whole-token vocabulary built from
 * a corpus of ids, shards with whitespace word boundaries and static n-gram masks, pretraining with
 * dynamic and with static n-gram masks, then fine-tuning the pair task from the pretrained model —
 * whose tokenizer splits text of ids exactly into the vocabulary's ids.
 */
class DesensitizedPretrainingTest {
    private static final Path DATA = Fixtures.DATA.resolve("afqmc_desensitized");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path slice(String name, int lines) throws Exception {
        Path file = dir.resolve(name);
        List<String> all = Files.readAllLines(DATA.resolve(name.replace("slice-", "")));
        Files.write(file, all.subList(0, lines));
        return file;
    }

    @Test
    void vocabPrepareStaticAndDynamicNgramPretrainingThenPairFinetuning() throws Exception {
        Path corpus = slice("slice-corpus.part1.txt", 3000);
        List<String> pairs = Files.readAllLines(DATA.resolve("train.tsv"));
        Path train = Files.write(dir.resolve("train.tsv"), pairs.subList(0, 401));
        List<String> devRows = new ArrayList<>(List.of(pairs.getFirst()));
        devRows.addAll(pairs.subList(401, 501));
        Path dev = Files.write(dir.resolve("dev.tsv"), devRows);

        Path vocab = dir.resolve("vocab.txt");
        Cli v = Cli.run("vocab", "--mode", "whole-token", "--corpus", corpus.toString(), "--vocab-size", "5000",
                "--min-frequency", "2", "--output", vocab.toString());
        assertEquals(0, v.exitCode(), v::toString);
        List<String> tokens = Files.readAllLines(vocab);
        assertTrue(tokens.size() > 500 && tokens.subList(5, tokens.size()).stream().allMatch(t -> t.matches("\\d+")), v::toString);

        Path shards = dir.resolve("shards");
        Cli p = Cli.run("prepare", "--corpus", corpus.toString(), "--vocab", vocab.toString(), "--word-boundaries", "whitespace",
                "--seq-len", "64", "--output", shards.toString(), "--dupe-factor", "2", "--masking", "ngram");
        assertEquals(0, p.exitCode(), p::toString);
        assertTrue(p.out().contains("static masks    2 copies of ngram masking"), p::toString);
        JsonNode index = JSON.readTree(shards.resolve("index.json").toFile());
        assertEquals("whitespace", index.get("word_boundaries").asText());

        Path config = Fixtures.tinyConfig(dir, tokens.size(), "relative_functional");
        List<String> pretrain = List.of("pretrain", "--model-config", config.toString(), "--vocab", vocab.toString(),
                "--data", shards.toString(), "--seq-len", "64", "--batch-size", "8", "--max-steps", "6", "--warmup", "2",
                "--lr", "1e-3", "--optimizer", "adamw", "--threads", "1");
        Cli dynamic = Cli.run(with(pretrain, "--masking", "ngram", "--output", dir.resolve("dynamic").toString()).toArray(String[]::new));
        assertEquals(0, dynamic.exitCode(), dynamic::toString);
        assertTrue(dynamic.err().contains("(ngram masking)"), dynamic::toString);
        Cli stored = Cli.run(with(pretrain, "--static-masks", "--output", dir.resolve("static").toString()).toArray(String[]::new));
        assertEquals(0, stored.exitCode(), stored::toString);
        assertTrue(stored.err().contains("static masks of " + shards + ": 2 copies (ngram masking"), stored::toString);
        assertTrue(stored.err().contains("(static ngram masking)"), stored::toString);
        assertTrue(stored.out().contains("MLM loss "), stored::toString);

        Path model = dir.resolve("dynamic/model");
        BertTokenizer tokenizer = BertTokenizer.fromModelDir(model);
        String text = tokens.get(7) + " " + tokens.get(5) + " 99999999 " + tokens.get(6);
        assertArrayEquals(new int[] {7, 5, tokenizer.vocab().unkId(), 6}, tokenizer.tokenIds(text), "ids split exactly, an unknown id is [UNK]");

        Cli fine = Cli.run("finetune", "--task", "pair", "--init", model.toString(), "--train", train.toString(), "--dev",
                dev.toString(), "--output", dir.resolve("pair").toString(), "--epochs", "1", "--batch-size", "16",
                "--seq-len", "64", "--threads", "1");
        assertEquals(0, fine.exitCode(), fine::toString);
        assertTrue(fine.out().contains("dev accuracy"), fine::toString);
    }

    private static List<String> with(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all;
    }
}
