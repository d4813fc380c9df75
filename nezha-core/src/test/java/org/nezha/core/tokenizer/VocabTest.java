package org.nezha.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nezha.core.InputException;

class VocabTest {
    @TempDir
    Path dir;

    private Path write(String content) throws IOException {
        Path file = dir.resolve("vocab.txt");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void idIsTheLineIndex() throws IOException {
        Vocab vocab = Vocab.load(write("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n中\n##文\n"));
        assertEquals(7, vocab.size());
        assertEquals(5, vocab.id("中"));
        assertEquals("##文", vocab.token(6));
        assertEquals(-1, vocab.id("absent"));
        assertTrue(vocab.contains("[MASK]"));
        assertFalse(vocab.contains("[mask]"));
        assertEquals(0, vocab.padId());
        assertEquals(1, vocab.unkId());
        assertEquals(2, vocab.clsId());
        assertEquals(3, vocab.sepId());
        assertEquals(4, vocab.maskId());
    }

    @Test
    void readsLinesLikePythonUniversalNewlines() throws IOException {
        Vocab vocab = Vocab.load(write("a\r\nb\rc\nd"));
        assertEquals(4, vocab.size());
        assertEquals("b", vocab.token(1));
        assertEquals("d", vocab.token(3));
    }

    @Test
    void theBundledChineseVocabularyHasGooglesLayout() {
        Vocab vocab = Vocab.load(HfFixtureTest.resource("vocab.txt"));
        assertEquals(21128, vocab.size());
        assertEquals(0, vocab.padId());
        assertEquals(100, vocab.unkId());
        assertEquals(101, vocab.clsId());
        assertEquals(102, vocab.sepId());
        assertEquals(103, vocab.maskId());
    }

    @Test
    void missingFileIsAnInputErrorNamingIt() {
        Path missing = dir.resolve("nope/vocab.txt");
        InputException e = assertThrows(InputException.class, () -> Vocab.load(missing));
        assertTrue(e.getMessage().startsWith(missing.toString()), e.getMessage());
    }

    @Test
    void emptyFileIsAnInputError() throws IOException {
        Path file = write("");
        InputException e = assertThrows(InputException.class, () -> Vocab.load(file));
        assertEquals(file + ": empty vocabulary", e.getMessage());
    }

    @Test
    void duplicateTokenNamesFileAndLine() throws IOException {
        Path file = write("[PAD]\n[UNK]\nfoo\nbar\nfoo\n");
        InputException e = assertThrows(InputException.class, () -> Vocab.load(file));
        assertEquals(file + ":5: duplicate token 'foo' (first on line 3)", e.getMessage());
    }

    @Test
    void invalidUtf8IsAnInputError() throws IOException {
        Path file = dir.resolve("vocab.txt");
        Files.write(file, new byte[] {'a', '\n', (byte) 0xC3, '\n'});
        InputException e = assertThrows(InputException.class, () -> Vocab.load(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }

    @Test
    void missingSpecialTokenNamesTheFile() throws IOException {
        Path file = write("[PAD]\n[CLS]\n[SEP]\n[MASK]\n");
        Vocab vocab = Vocab.load(file);
        InputException e = assertThrows(InputException.class, vocab::unkId);
        assertEquals(file + ": vocabulary has no [UNK] token", e.getMessage());
        InputException fromTokenizer = assertThrows(InputException.class,
                () -> new BertTokenizer(vocab, TokenizerOptions.defaults()));
        assertTrue(fromTokenizer.getMessage().contains("[UNK]"), fromTokenizer.getMessage());
    }
}
