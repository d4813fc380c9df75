package org.nezha.core.vocab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nezha.core.InputException;
import org.nezha.core.pipeline.Progress;

/** Bad input to {@code nezha vocab}: one line naming the problem, and nothing written. */
class VocabJobTest {
    @TempDir
    Path dir;

    private VocabJob.Settings settings(String corpusText) throws Exception {
        VocabJob.Settings s = new VocabJob.Settings();
        s.corpus = List.of(Files.writeString(dir.resolve("corpus.txt"), corpusText));
        s.output = dir.resolve("vocab.txt");
        s.vocabSize = 100;
        return s;
    }

    private String failure(VocabJob.Settings s) {
        String message = assertThrows(InputException.class, () -> new VocabJob(s, Progress.SILENT).run()).getMessage();
        assertTrue(message.lines().count() == 1, message);
        return message;
    }

    private void assertNothingWritten() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("corpus.txt"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void writesWordPieceVocabularyWithSpecialTokensFirst() throws Exception {
        VocabJob.Settings s = settings("Hello hello HELLO world\n\n你好 world\n");
        VocabJob.Result r = new VocabJob(s, Progress.SILENT).run();
        List<String> vocab = Files.readAllLines(s.output);
        assertEquals(VocabJob.DEFAULT_SPECIAL_TOKENS, vocab.subList(0, 5));
        assertTrue(vocab.containsAll(List.of("hello", "world", "你", "好")), vocab.toString());
        assertEquals(vocab.size(), r.vocabularySize());
        assertEquals(4, r.distinctWords()); // hello, world, 你, 好
    }

    @Test
    void emptyCorpusNamesTheFile() throws Exception {
        VocabJob.Settings s = settings("\n  \n\n");
        assertEquals(s.corpus.get(0) + ": the corpus has no words", failure(s));
        assertNothingWritten();
    }

    @Test
    void missingCorpusFileIsFoundBeforeAnyWork() throws Exception {
        VocabJob.Settings s = settings("a b\n");
        Path missing = dir.resolve("missing.txt");
        s.corpus = List.of(s.corpus.get(0), missing);
        assertEquals(missing + ": file not found", failure(s));
        assertNothingWritten();
    }

    @Test
    void badSpecialTokens() throws Exception {
        VocabJob.Settings s = settings("a b\n");
        s.specialTokens = List.of("[PAD]", "[UNK]", "[PAD]");
        assertEquals("--special-tokens: \"[PAD]\" is given twice", failure(s));
        s.specialTokens = List.of("[PAD]", "");
        assertEquals("--special-tokens: a special token is empty", failure(s));
        s.specialTokens = List.of("[P AD]");
        assertEquals("--special-tokens: \"[P AD]\" contains whitespace", failure(s));
        assertNothingWritten();
    }

    @Test
    void vocabularyTooSmall() throws Exception {
        VocabJob.Settings s = settings("a b\n");
        s.vocabSize = 5;
        assertEquals("--vocab-size must be more than the 5 special tokens, got 5", failure(s));
        s.vocabSize = 6;
        assertEquals("--vocab-size 6 is too small for this corpus: the 5 special tokens, the 2-character alphabet and its 0 "
                + "continuation pieces (##x) need 7", failure(s));
        assertNothingWritten();
    }

    @Test
    void existingOutputNeedsOverwriteAndIsReplacedWithIt() throws Exception {
        VocabJob.Settings s = settings("a b\n");
        Files.writeString(s.output, "old\n");
        assertEquals(s.output + ": already exists (use --overwrite to replace it)", failure(s));
        assertEquals("old\n", Files.readString(s.output));
        s.overwrite = true;
        new VocabJob(s, Progress.SILENT).run();
        assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b"), Files.readAllLines(s.output));
    }

    @Test
    void unwritableOutputIsFoundBeforeAnyWork() throws Exception {
        VocabJob.Settings s = settings("a b\n");
        Path file = Files.writeString(dir.resolve("file"), "");
        s.output = file.resolve("vocab.txt");
        assertTrue(failure(s).startsWith(s.output + ": cannot create its directory: "));
    }
}
