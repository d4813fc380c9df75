package org.nezha.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nezha vocab} from the command line: exit codes, the summary, the file, one-line errors. */
class VocabCommandTest {
    @TempDir
    Path dir;

    @Test
    void wordPieceWritesVocabularyAndSummary() throws Exception {
        Path corpus = Files.writeString(dir.resolve("corpus.txt"), "unhappy happy happier\n\n今天 happy day\n");
        Path output = dir.resolve("out/vocab.txt");
        Cli cli = Cli.run("vocab", "--corpus", corpus.toString(), "--vocab-size", "40", "--min-frequency", "1",
                "--output", output.toString(), "--threads", "2");
        assertEquals(0, cli.exitCode(), cli::toString);
        List<String> vocab = Files.readAllLines(output);
        assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"), vocab.subList(0, 5));
        assertTrue(vocab.contains("happy") && vocab.contains("##y") && vocab.contains("今"), vocab.toString());
        assertTrue(cli.out().startsWith("vocabulary done: " + vocab.size() + " tokens"), cli::toString);
        assertTrue(cli.out().contains("merges"), cli::toString);
    }

    @Test
    void wholeTokenModeKeepsFrequentTokens() throws Exception {
        Path corpus = Files.writeString(dir.resolve("ids.txt"), "12 5 239\n5 12 7\n");
        Path output = dir.resolve("vocab.txt");
        Cli cli = Cli.run("vocab", "--mode", "whole-token", "--corpus", corpus.toString(), "--vocab-size", "100",
                "--output", output.toString());
        assertEquals(0, cli.exitCode(), cli::toString);
        assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "5", "12"), Files.readAllLines(output));
        assertTrue(cli.out().contains("2 tokens below --min-frequency"), cli::toString);
    }

    @Test
    void badInputIsOneLineAndExitTwoWithNothingWritten() throws Exception {
        Path corpus = Files.writeString(dir.resolve("corpus.txt"), "a b\n");
        Path badUtf8 = Files.write(dir.resolve("bad.txt"), new byte[] {'a', '\n', (byte) 0xFF, '\n'});
        Path output = dir.resolve("vocab.txt");
        String[][] cases = {
            {"--corpus", dir.resolve("missing.txt").toString(), "--vocab-size", "100"},
            {"--corpus", badUtf8.toString(), "--vocab-size", "100"},
            {"--corpus", corpus.toString(), "--vocab-size", "6"},
            {"--corpus", corpus.toString(), "--vocab-size", "100", "--mode", "bpe"},
            {"--corpus", corpus.toString(), "--vocab-size", "100", "--special-tokens", "[PAD]", "[PAD]"},
            {"--corpus", corpus.toString(), "--vocab-size", "100", "--threads", "0"},
        };
        String[] expected = {
            dir.resolve("missing.txt") + ": file not found",
            badUtf8 + ":2: invalid UTF-8 at column 1",
            "--vocab-size 6 is too small for this corpus: the 5 special tokens, the 2-character alphabet and its 0 continuation pieces (##x) need 7",
            "--mode bpe: choose one of wordpiece, whole-token",
            "--special-tokens: \"[PAD]\" is given twice",
            "--threads must be at least 1, got 0",
        };
        for (int i = 0; i < cases.length; i++) {
            String[] args = concat(cases[i], "--output", output.toString());
            Cli cli = Cli.run(args);
            assertEquals(2, cli.exitCode(), cli::toString);
            assertEquals("nezha: error: " + expected[i], cli.errorLine(), cli::toString);
            assertFalse(Files.exists(output), "nothing written for " + String.join(" ", args));
        }
        Files.writeString(output, "old\n");
        Cli exists = Cli.run("vocab", "--corpus", corpus.toString(), "--vocab-size", "100", "--output", output.toString());
        assertEquals(2, exists.exitCode(), exists::toString);
        assertEquals("nezha: error: " + output + ": already exists (use --overwrite to replace it)", exists.errorLine());
        assertEquals("old\n", Files.readString(output));
    }

    @Test
    void helpNamesEveryOption() {
        Cli cli = Cli.run("vocab", "--help");
        assertEquals(0, cli.exitCode(), cli::toString);
        for (String option : List.of("--corpus", "--vocab-size", "--output", "--mode", "--min-frequency", "--[no-]lowercase",
                "--limit-alphabet", "--special-tokens", "--threads", "--overwrite")) {
            assertTrue(cli.out().contains(option), option);
        }
    }

    private static String[] concat(String[] args, String... more) {
        String[] all = new String[args.length + more.length + 1];
        all[0] = "vocab";
        System.arraycopy(args, 0, all, 1, args.length);
        System.arraycopy(more, 0, all, 1 + args.length, more.length);
        return all;
    }
}
