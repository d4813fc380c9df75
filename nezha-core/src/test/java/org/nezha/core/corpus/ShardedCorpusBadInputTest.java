package org.nezha.core.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nezha.core.InputException;
import org.nezha.core.pipeline.Progress;

/** Bad input to prepare and to open: one line naming the file (and line) and the problem, and no corpus left behind. */
class ShardedCorpusBadInputTest {
    @TempDir Path dir;

    private Path text(String name, List<String> lines) throws IOException {
        return Files.write(dir.resolve(name), lines);
    }

    /** Prepares into a fresh directory; the failure message, after checking that the directory is gone again. */
    private String prepareFails(List<Path> files, Consumer<CorpusPreparer.Settings> change) {
        Path out = dir.resolve("out");
        CorpusPreparer.Settings s = ShardedCorpusTest.settings(out, WordBoundaries.JIEBA, files);
        change.accept(s);
        String message = assertThrows(InputException.class, () -> new CorpusPreparer(s).run(Progress.SILENT)).getMessage();
        assertFalse(message.contains("\n"), message);
        try {
            assertTrue(!Files.exists(out), "left behind: " + (Files.exists(out) ? ShardedCorpusTest.fileNames(out) : ""));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return message;
    }

    private String prepareFails(List<Path> files) {
        return prepareFails(files, s -> {});
    }

    @Test
    void anEmptyCorpus() throws IOException {
        Path empty = text("empty.txt", List.of("", "  ", "\u200b"));
        assertEquals(empty + ": contains no text", prepareFails(List.of(empty)));
    }

    @Test
    void invalidUtf8NamesFileAndLine() throws IOException {
        Path good = text("good.txt", List.of("我喜欢自然语言处理"));
        Path bad = Files.write(dir.resolve("latin1.txt"), new byte[] {'o', 'k', '\n', (byte) 0xE9, 't', (byte) 0xE9, '\n'});
        assertEquals(bad + ":2: invalid UTF-8 at column 1", prepareFails(List.of(good, bad)));
    }

    @Test
    void aLineOverTheLimit() throws IOException {
        Path huge = text("huge.txt", List.of("短", "x".repeat(CorpusReader.MAX_LINE_BYTES + 1)));
        assertEquals(huge + ":2: line longer than 1048576 bytes", prepareFails(List.of(huge)));
    }

    @Test
    void aVocabularyWithoutTheSpecialTokens() throws IOException {
        Path vocab = text("vocab.txt", List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "我"));
        String message = prepareFails(List.of(text("a.txt", List.of("我"))), s -> s.vocab = vocab);
        assertEquals(vocab + ": vocabulary has no [MASK] token", message);
    }

    @Test
    void sequenceLengthsOutOfRange() throws IOException {
        Path a = text("a.txt", List.of("我"));
        assertEquals("--seq-len 7: must be between 8 and 65536", prepareFails(List.of(a), s -> s.seqLens = List.of(128, 7)));
        assertEquals("--seq-len 65537: must be between 8 and 65536", prepareFails(List.of(a), s -> s.seqLens = List.of(65537)));
    }

    @Test
    void aMissingInputAndAGlobMatchingNothing() throws IOException {
        Path a = text("a.txt", List.of("我"));
        assertEquals(dir.resolve("missing.txt") + ": corpus file not found", prepareFails(List.of(a, dir.resolve("missing.txt"))));
        assertEquals(dir + "/*.gz: the pattern matches no file", prepareFails(List.of(a, dir.resolve("*.gz"))));
    }

    @Test
    void aNonEmptyOutputDirectoryIsLeftAlone() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("mine.txt"), "keep me");
        CorpusPreparer.Settings s = ShardedCorpusTest.settings(out, WordBoundaries.NONE, List.of(text("a.txt", List.of("我"))));
        String message = assertThrows(InputException.class, () -> new CorpusPreparer(s).run(Progress.SILENT)).getMessage();
        assertEquals(out + ": output directory is not empty (use --overwrite to replace its contents)", message);
        assertEquals(List.of("mine.txt"), ShardedCorpusTest.fileNames(out));
    }

    @Test
    void aFailureMidwayKeepsTheEarlierCorpus() throws IOException {
        Path out = dir.resolve("out");
        Path good = text("good.txt", List.of("我喜欢自然语言处理"));
        new CorpusPreparer(ShardedCorpusTest.settings(out, WordBoundaries.NONE, List.of(good))).run(Progress.SILENT);
        List<String> before = ShardedCorpusTest.fileNames(out);
        Path bad = Files.write(dir.resolve("bad.txt"), new byte[] {'o', 'k', '\n', (byte) 0xFF, '\n'});
        CorpusPreparer.Settings s = ShardedCorpusTest.settings(out, WordBoundaries.NONE, List.of(good, bad));
        s.overwrite = true;
        assertThrows(InputException.class, () -> new CorpusPreparer(s).run(Progress.SILENT));
        assertEquals(before, ShardedCorpusTest.fileNames(out));
        try (ShardedCorpus corpus = ShardedCorpus.open(out)) {
            assertEquals(1, corpus.documentCount());
        }
    }

    private Path prepared() throws IOException {
        Path out = dir.resolve("corpus");
        CorpusPreparer.Settings s = ShardedCorpusTest.settings(out, WordBoundaries.NONE,
                List.of(text("a.txt", List.of("我喜欢自然语言处理", "", "第二个文档"))));
        s.shardBytes = 1;
        new CorpusPreparer(s).run(Progress.SILENT);
        return out;
    }

    private static String openFails(Path corpus) {
        String message = assertThrows(InputException.class, () -> ShardedCorpus.open(corpus).close()).getMessage();
        assertFalse(message.contains("\n"), message);
        return message;
    }

    @Test
    void openWithoutAnIndex() {
        assertEquals(dir.resolve("index.json") + ": not found (is " + dir + " a corpus made by 'nezha prepare'?)", openFails(dir));
    }

    @Test
    void openAnIndexOfAnotherFormatOrVersion() throws IOException {
        Path corpus = prepared();
        Path index = corpus.resolve("index.json");
        String json = Files.readString(index);
        Files.writeString(index, json.replace("\"version\" : 1", "\"version\" : 2"));
        assertEquals(index + ": corpus format version 2, but this nezha reads version 1 (prepare the corpus again)", openFails(corpus));
        Files.writeString(index, json.replace("nezha-token-corpus", "something-else"));
        assertEquals(index + ": not a prepared corpus index (its \"format\" is not \"nezha-token-corpus\")", openFails(corpus));
        Files.writeString(index, "{\"format\": \"nezha-token-corpus\", \"version\": 1, \"shards\": 3}");
        assertTrue(openFails(corpus).startsWith(index + ": invalid index: "));
    }

    @Test
    void openATruncatedOrMissingShard() throws IOException {
        Path corpus = prepared();
        Path tokens = corpus.resolve("shard-00001.tokens");
        long size = Files.size(tokens);
        try (FileChannel channel = FileChannel.open(tokens, StandardOpenOption.WRITE)) {
            channel.truncate(size - 2);
        }
        assertEquals(tokens + ": " + (size - 2) + " bytes, but index.json says " + size + " (truncated?)", openFails(corpus));
        Files.write(tokens, new byte[(int) size + 2]);
        assertEquals(tokens + ": " + (size + 2) + " bytes, but index.json says " + size + " (from another run?)", openFails(corpus));
        Files.delete(tokens);
        assertEquals(tokens + ": missing (index.json lists it)", openFails(corpus));
    }

    @Test
    void openOffsetsThatDisagreeWithTheIndex() throws IOException {
        Path corpus = prepared();
        Path sentences = corpus.resolve("shard-00000.sentences");
        byte[] bytes = Files.readAllBytes(sentences);
        bytes[bytes.length - 8]++;
        Files.write(sentences, bytes);
        assertEquals(sentences + ": its offsets disagree with index.json", openFails(corpus));
    }
}
