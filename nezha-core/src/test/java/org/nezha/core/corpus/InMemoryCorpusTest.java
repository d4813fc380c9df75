package org.nezha.core.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nezha.core.InputException;
import org.nezha.core.pipeline.Progress;

class InMemoryCorpusTest {
    /** "7 8 9" → [7, 8, 9], every token a word; blank text → []. */
    private static final Function<String, TokenizedSentence> NUMBERS = text -> {
        int[] ids = text.isBlank() ? new int[0] : Arrays.stream(text.trim().split("\\s+")).mapToInt(Integer::parseInt).toArray();
        boolean[] starts = new boolean[ids.length];
        Arrays.fill(starts, true);
        return new TokenizedSentence(ids, starts);
    };

    static int[] sentence(TokenCorpus corpus, long s) {
        long from = corpus.firstToken(s);
        int[] ids = new int[Math.toIntExact(corpus.firstToken(s + 1) - from)];
        corpus.copyTokens(from, ids, 0, ids.length);
        return ids;
    }

    @TempDir
    Path dir;

    @Test
    void blankLinesSeparateDocumentsAndEachFileStartsOne() throws Exception {
        Path a = dir.resolve("a.txt");
        Path b = dir.resolve("b.txt");
        Files.writeString(a, "\n5 6\n7\n\n\n8 9 10\n   \n");
        Files.writeString(b, "11\n12 13\n");
        TokenCorpus corpus = InMemoryCorpus.read(List.of(a, b), NUMBERS, 1000, Progress.SILENT);

        assertEquals(3, corpus.documentCount());
        assertEquals(5, corpus.sentenceCount());
        assertEquals(9, corpus.tokenCount());
        assertArrayEquals(new long[] {0, 2, 3, 5}, LongStream.rangeClosed(0, 3).map(corpus::firstSentence).toArray());
        assertArrayEquals(new int[] {5, 6}, sentence(corpus, 0));
        assertArrayEquals(new int[] {7}, sentence(corpus, 1));
        assertArrayEquals(new int[] {8, 9, 10}, sentence(corpus, 2));
        assertArrayEquals(new int[] {12, 13}, sentence(corpus, 4));
        assertEquals("3 documents, 5 sentences, 9 tokens", corpus.summary());
    }

    @Test
    void sentencesThatTokenizeToNothingAndEmptyDocumentsAreDropped() throws Exception {
        Path file = dir.resolve("c.txt");
        Files.writeString(file, "x\n\n5\nx\n6\n\nx\n");
        Function<String, TokenizedSentence> skipX = text -> NUMBERS.apply(text.equals("x") ? "" : text);
        TokenCorpus corpus = InMemoryCorpus.read(List.of(file), skipX, 1000, Progress.SILENT);
        assertEquals(1, corpus.documentCount());
        assertEquals(2, corpus.sentenceCount());
    }

    @Test
    void sentencesLongerThanTheBudgetAreCutIntoPieces() throws Exception {
        Path file = dir.resolve("long.txt");
        Files.writeString(file, "1 2 3 4 5 6 7\n8\n");
        TokenCorpus corpus = InMemoryCorpus.read(List.of(file), NUMBERS, 3, Progress.SILENT);
        assertEquals(4, corpus.sentenceCount());
        assertArrayEquals(new int[] {1, 2, 3}, sentence(corpus, 0));
        assertArrayEquals(new int[] {7}, sentence(corpus, 2));
        assertArrayEquals(new int[] {8}, sentence(corpus, 3));
    }

    @Test
    void parallelTokenizationKeepsOrderAcrossChunks() throws Exception {
        Path file = dir.resolve("big.txt");
        int lines = 50_000; // more than one tokenization chunk
        Files.writeString(file, IntStream.range(0, lines)
                .mapToObj(i -> i % 1000 == 999 ? i + "\n" : i + "").collect(Collectors.joining("\n")));
        TokenCorpus corpus = InMemoryCorpus.read(List.of(file), NUMBERS, 1000, Progress.SILENT);
        int[] flat = new int[Math.toIntExact(corpus.tokenCount())];
        corpus.copyTokens(0, flat, 0, flat.length);
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
                assertThrows(InputException.class, () -> InMemoryCorpus.read(List.of(a), NUMBERS, 1000, Progress.SILENT)).getMessage());
        assertEquals(a + ", " + b + ": contain no text",
                assertThrows(InputException.class, () -> InMemoryCorpus.read(List.of(a, b), NUMBERS, 1000, Progress.SILENT)).getMessage());
    }

    @Test
    void invalidUtf8NamesTheLine() throws Exception {
        Path file = dir.resolve("bad.txt");
        Files.write(file, new byte[] {'5', '\n', '\n', '6', (byte) 0xFF, '\n'});
        InputException e = assertThrows(InputException.class, () -> InMemoryCorpus.read(List.of(file), NUMBERS, 1000, Progress.SILENT));
        assertEquals(file + ":3: invalid UTF-8 at column 2", e.getMessage());
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("missing.txt");
        InputException e = assertThrows(InputException.class, () -> InMemoryCorpus.read(List.of(file), NUMBERS, 1000, Progress.SILENT));
        assertEquals(file + ": file not found", e.getMessage());
    }
}
