package org.nezha.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nezha.core.InputException;

class PretrainingCorpusTest {
    @TempDir
    Path dir;

    @Test
    void blankLinesSeparateDocumentsAndEachFileStartsOne() throws Exception {
        Path a = dir.resolve("a.txt");
        Path b = dir.resolve("b.txt");
        Files.writeString(a, "\n5 6\n7\n\n\n8 9 10\n   \n");
        Files.writeString(b, "11\n12 13\n");
        PretrainingCorpus corpus = PretrainingCorpus.read(List.of(a, b), TestTokens.NUMBERS);

        assertEquals(3, corpus.documentCount());
        assertEquals(5, corpus.sentenceCount());
        assertEquals(9, corpus.tokenCount());
        List<List<int[]>> docs = corpus.documents();
        assertArrayEquals(new int[] {5, 6}, docs.get(0).get(0));
        assertArrayEquals(new int[] {7}, docs.get(0).get(1));
        assertArrayEquals(new int[] {8, 9, 10}, docs.get(1).get(0));
        assertArrayEquals(new int[] {12, 13}, docs.get(2).get(1));
        assertEquals("3 documents, 5 sentences, 9 tokens", corpus.summary());
    }

    @Test
    void sentencesThatTokenizeToNothingAndEmptyDocumentsAreDropped() throws Exception {
        Path file = dir.resolve("c.txt");
        Files.writeString(file, "x\n\n5\nx\n6\n\nx\n");
        TextEncoder skipX = text -> text.equals("x") ? new int[0] : TestTokens.NUMBERS.tokenIds(text);
        PretrainingCorpus corpus = PretrainingCorpus.read(List.of(file), skipX);
        assertEquals(1, corpus.documentCount());
        assertEquals(2, corpus.sentenceCount());
    }

    @Test
    void parallelTokenizationKeepsOrderAcrossChunks() throws Exception {
        Path file = dir.resolve("big.txt");
        int lines = 50_000; // more than one tokenization chunk
        Files.writeString(file, IntStream.range(0, lines)
                .mapToObj(i -> i % 1000 == 999 ? i + "\n" : i + "").collect(Collectors.joining("\n")));
        PretrainingCorpus corpus = PretrainingCorpus.read(List.of(file), TestTokens.NUMBERS);
        int[] flat = corpus.documents().stream().flatMap(List::stream).flatMapToInt(IntStream::of).toArray();
        assertArrayEquals(IntStream.range(0, lines).toArray(), flat);
        assertEquals(lines / 1000, corpus.documentCount());
    }

    @Test
    void emptyCorpusNamesTheFiles() throws Exception {
        Path a = dir.resolve("a.txt");
        Path b = dir.resolve("b.txt");
        Files.writeString(a, "\n  \n");
        Files.writeString(b, "");
        assertEquals(a + ": contains no text",
                assertThrows(InputException.class, () -> PretrainingCorpus.read(List.of(a), TestTokens.NUMBERS)).getMessage());
        assertEquals(a + ", " + b + ": contain no text",
                assertThrows(InputException.class, () -> PretrainingCorpus.read(List.of(a, b), TestTokens.NUMBERS)).getMessage());
    }

    @Test
    void invalidUtf8NamesTheLine() throws Exception {
        Path file = dir.resolve("bad.txt");
        Files.write(file, new byte[] {'5', '\n', '\n', '6', (byte) 0xFF, '\n'});
        InputException e = assertThrows(InputException.class, () -> PretrainingCorpus.read(List.of(file), TestTokens.NUMBERS));
        assertEquals(file + ":3: invalid UTF-8 at column 2", e.getMessage());
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("missing.txt");
        InputException e = assertThrows(InputException.class, () -> PretrainingCorpus.read(List.of(file), TestTokens.NUMBERS));
        assertEquals(file + ": file not found", e.getMessage());
    }
}
