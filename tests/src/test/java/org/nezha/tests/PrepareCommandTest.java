package org.nezha.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.corpus.ShardedCorpus;
import org.nezha.core.corpus.WordBoundaries;
import org.nezha.core.tokenizer.BertTokenizer;
import org.nezha.core.tokenizer.TokenizerOptions;
import org.nezha.core.tokenizer.Vocab;

/** {@code nezha prepare} as a user runs it: a summary on success, one error line and exit 2 on bad input. */
class PrepareCommandTest {
    @TempDir Path dir;

    @Test
    void preparesADirectoryOfPlainAndGzipFiles() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        List<String> lines = Files.readAllLines(Fixtures.CORPUS).subList(0, 40);
        Files.write(in.resolve("a.txt"), lines.subList(0, 20));
        try (var out = new GZIPOutputStream(Files.newOutputStream(in.resolve("b.txt.gz")))) {
            out.write(String.join("\n", lines.subList(20, 40)).getBytes(StandardCharsets.UTF_8));
        }
        Path output = dir.resolve("corpus");
        Cli run = Cli.run("prepare", "--corpus", in.toString(), "--vocab", Fixtures.VOCAB.toString(), "--output",
                output.toString(), "--seq-len", "64,128", "--word-boundaries", "whitespace", "--threads", "2",
                "--shard-size-mb", "0.001");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("prepare done: 2 files"), run.out());
        BertTokenizer tokenizer = new BertTokenizer(Vocab.load(Fixtures.VOCAB), TokenizerOptions.defaults());
        try (ShardedCorpus corpus = ShardedCorpus.open(output)) {
            assertEquals(WordBoundaries.WHITESPACE, corpus.index().wordBoundaries());
            assertEquals(List.of(64, 128), corpus.index().seqLens());
            assertTrue(corpus.index().shards().size() > 1, corpus.index().shards().toString());
            assertTrue(run.out().contains("tokens          " + String.format("%,d", corpus.tokenCount())), run.out());
            int[] first = tokenizer.tokenIds(lines.getFirst());
            int[] ids = new int[Math.min(first.length, 125)];
            corpus.copyTokens(0, ids, 0, ids.length);
            assertEquals(Arrays.toString(Arrays.copyOf(first, ids.length)), Arrays.toString(ids));
        }
        Cli again = Cli.run("prepare", "--corpus", in.toString(), "--vocab", Fixtures.VOCAB.toString(), "--output",
                output.toString());
        assertEquals(2, again.exitCode(), again.toString());
        assertEquals("nezha: error: " + output + ": output directory is not empty (use --overwrite to replace its contents)",
                again.errorLine());
    }

    @Test
    void badInputIsOneLineAndExit2() throws Exception {
        Path text = Files.writeString(dir.resolve("a.txt"), "我喜欢自然语言处理\n");
        String vocab = Fixtures.VOCAB.toString();
        String out = dir.resolve("out").toString();
        List<List<String>> cases = List.of(
                List.of("--corpus", dir.resolve("missing.txt").toString(), "--vocab", vocab, "--output", out),
                List.of("--corpus", dir + "/*.gz", "--vocab", vocab, "--output", out),
                List.of("--corpus", text.toString(), "--vocab", vocab, "--output", out, "--seq-len", "128,x"),
                List.of("--corpus", text.toString(), "--vocab", vocab, "--output", out, "--seq-len", "4"),
                List.of("--corpus", text.toString(), "--vocab", vocab, "--output", out, "--word-boundaries", "spaces"),
                List.of("--corpus", text.toString(), "--vocab", vocab, "--output", out, "--shard-size-mb", "0"),
                List.of("--corpus", text.toString(), "--vocab", text.toString(), "--output", out),
                List.of("--corpus", text.toString(), "--vocab", vocab, "--output", out, "--dupe-factor", "-1"),
                List.of("--corpus", text.toString(), "--vocab", vocab, "--output", out, "--dupe-factor", "2", "--masking", "span"),
                List.of("--corpus", text.toString(), "--vocab", vocab, "--output", out, "--dupe-factor", "2", "--mask-prob", "1"));
        List<String> fragments = List.of("missing.txt: corpus file not found", "*.gz: the pattern matches no file",
                "'x'", "--seq-len 4: must be between 8 and 65536", "--word-boundaries spaces: choose one of jieba, whitespace, none",
                "--shard-size-mb 0.0: must be a positive number", "vocabulary has no [UNK] token",
                "--dupe-factor must be at least 0, got -1", "--masking: unknown scheme 'span'", "--mask-prob must be in (0, 1), got 1.0");
        for (int i = 0; i < cases.size(); i++) {
            List<String> args = new ArrayList<>(List.of("prepare"));
            args.addAll(cases.get(i));
            Cli run = Cli.run(args.toArray(String[]::new));
            assertEquals(2, run.exitCode(), run.toString());
            assertTrue(run.errorLine().startsWith("nezha: error: ") && run.errorLine().contains(fragments.get(i)), run.toString());
            assertFalse(run.err().contains("\tat "), run.toString());
            assertFalse(Files.exists(dir.resolve("out/index.json")));
        }
    }

    @Test
    void helpDocumentsTheOptions() {
        Cli help = Cli.run("prepare", "--help");
        assertEquals(0, help.exitCode());
        for (String option : List.of("--corpus", "--vocab", "--output", "--seq-len", "--word-boundaries", "--shard-size-mb",
                "--threads", "--[no-]lowercase", "--overwrite", "1048576 bytes")) {
            assertTrue(help.out().contains(option), option + " in\n" + help.out());
        }
    }
}
