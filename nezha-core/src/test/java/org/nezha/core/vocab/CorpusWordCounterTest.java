package org.nezha.core.vocab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nezha.core.InputException;
import org.nezha.core.pipeline.Progress;
import org.nezha.core.tokenizer.BasicWords;

class CorpusWordCounterTest {
    @TempDir
    Path dir;

    private static WordCounts count(int threads, int chunkChars, Path... files) {
        return new CorpusWordCounter(BasicWords::splitOnWhitespace, threads, chunkChars).count(List.of(files), Progress.SILENT);
    }

    @Test
    void countsWordsOfSeveralFilesSkippingBlankLines() throws Exception {
        Path a = Files.writeString(dir.resolve("a.txt"), "b a\n\n  \na\tc\r\n");
        Path b = Files.writeString(dir.resolve("b.txt"), "c c\n");
        WordCounts counts = count(1, 1 << 20, a, b);
        assertArrayEquals(new String[] {"a", "b", "c"}, counts.words());
        assertArrayEquals(new long[] {2, 1, 3}, counts.counts());
        assertEquals(3, counts.lines());
    }

    @Test
    void countsDoNotDependOnThreadsOrChunks() {
        Path corpus = VocabTrainerTest.resource("corpus.txt");
        WordCounts one = count(1, 1 << 20, corpus);
        for (int threads : new int[] {2, 4}) {
            WordCounts many = count(threads, 512, corpus);
            assertArrayEquals(one.words(), many.words());
            assertArrayEquals(one.counts(), many.counts());
            assertEquals(one.lines(), many.lines());
        }
    }

    @Test
    void readsGzipFilesLikePlainOnes() throws Exception {
        Path corpus = VocabTrainerTest.resource("corpus.txt");
        Path gz = dir.resolve("corpus.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(corpus));
        }
        WordCounts plain = count(2, 4096, corpus);
        WordCounts compressed = count(2, 4096, gz);
        assertArrayEquals(plain.words(), compressed.words());
        assertArrayEquals(plain.counts(), compressed.counts());
    }

    @Test
    void invalidUtf8NamesFileLineAndColumn() throws Exception {
        Path file = dir.resolve("bad.txt");
        Files.write(file, new byte[] {'o', 'k', '\n', 'a', 'b', (byte) 0xC3, '(', '\n'});
        InputException e = assertThrows(InputException.class, () -> count(2, 1, file));
        assertEquals(file + ":2: invalid UTF-8 at column 3", e.getMessage());
    }

    @Test
    void lineOverTheLimitNamesItsLine() throws Exception {
        Path file = dir.resolve("long.txt");
        Files.writeString(file, "short\n" + "x".repeat(CorpusWordCounter.MAX_LINE_BYTES + 1) + "\n");
        InputException e = assertThrows(InputException.class, () -> count(1, 1 << 20, file));
        assertEquals(file + ":2: line longer than 1048576 bytes", e.getMessage());
    }

    @Test
    void lineWithoutEndIsStoppedBeforeItFillsTheMemory() throws Exception {
        Path file = dir.resolve("endless.txt");
        Files.write(file, "汉".repeat(CorpusWordCounter.MAX_LINE_BYTES + 1).getBytes(StandardCharsets.UTF_8));
        InputException e = assertThrows(InputException.class, () -> count(1, 1 << 20, file));
        assertEquals(file + ":1: line longer than 1048576 bytes", e.getMessage());
    }

    @Test
    void missingFileAndCorruptGzipAreOneLine() throws Exception {
        Path missing = dir.resolve("missing.txt");
        assertEquals(missing + ": file not found", assertThrows(InputException.class, () -> count(1, 1, missing)).getMessage());
        Path truncated = dir.resolve("truncated.gz");
        var bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write("some text\n".repeat(100).getBytes(StandardCharsets.UTF_8));
        }
        byte[] gzip = bytes.toByteArray();
        Files.write(truncated, java.util.Arrays.copyOf(gzip, gzip.length / 2));
        InputException e = assertThrows(InputException.class, () -> count(1, 1, truncated));
        assertTrue(e.getMessage().startsWith(truncated + ": "), e.getMessage());
    }
}
