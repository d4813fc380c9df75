package org.nezha.core.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nezha.core.pipeline.Progress;
import org.nezha.core.tokenizer.BertTokenizer;
import org.nezha.core.tokenizer.TokenizerOptions;
import org.nezha.core.tokenizer.Vocab;

/** {@code prepare} then {@code open}: the shards hold what tokenizing the corpus line by line gives. */
class ShardedCorpusTest {
    @TempDir Path dir;

    /** Two files; blank and whitespace-only lines between documents, lines that tokenize to nothing, an empty document. */
    static final List<String> FIRST_FILE = List.of("我喜欢自然语言处理。", "Deep Learning 很有趣!", "", "   ",
            "12 5 239 7", "\u200b", "第二个文档的第一句话", "", "\u200b", "\u0000", "", "",
            "这是一个很长很长的句子，它有超过十三个字，所以会被切成好几段来存放。");
    static final List<String> SECOND_FILE = List.of("", "第二个文件 starts a new document", "unaffable résumé 𠀀", "");

    static CorpusPreparer.Settings settings(Path output, WordBoundaries boundaries, List<Path> files) {
        CorpusPreparer.Settings s = new CorpusPreparer.Settings();
        s.corpus = files.stream().map(Path::toString).toList();
        s.vocab = TestVocab.FILE;
        s.output = output;
        s.seqLens = List.of(8, 16);
        s.wordBoundaries = boundaries;
        s.threads = 2;
        return s;
    }

    private List<Path> corpusFiles() throws IOException {
        Path first = Files.write(dir.resolve("a.txt"), FIRST_FILE);
        Path second = Files.write(dir.resolve("b.txt"), SECOND_FILE);
        return List.of(first, second);
    }

    /** The documents the rules give: blank lines and files split documents, empty sentences and documents dropped, long sentences cut. */
    static List<List<TokenizedSentence>> expected(SentenceTokenizer tokenizer, int maxTokens, List<List<String>> files) {
        List<List<TokenizedSentence>> documents = new ArrayList<>();
        for (List<String> lines : files) {
            documents.add(new ArrayList<>());
            for (String line : lines) {
                if (line.isBlank()) {
                    documents.add(new ArrayList<>());
                    continue;
                }
                TokenizedSentence s = tokenizer.tokenize(line);
                for (int from = 0; from < s.length(); from += maxTokens) {
                    int to = Math.min(s.length(), from + maxTokens);
                    documents.getLast().add(new TokenizedSentence(Arrays.copyOfRange(s.ids(), from, to),
                            Arrays.copyOfRange(s.wordStarts(), from, to)));
                }
            }
        }
        documents.removeIf(List::isEmpty);
        return documents;
    }

    static void assertHolds(List<List<TokenizedSentence>> documents, TokenCorpus corpus) {
        assertEquals(documents.size(), corpus.documentCount());
        long sentence = 0;
        long token = 0;
        for (int d = 0; d < documents.size(); d++) {
            assertEquals(sentence, corpus.firstSentence(d), "document " + d);
            for (TokenizedSentence expected : documents.get(d)) {
                assertEquals(token, corpus.firstToken(sentence), "sentence " + sentence);
                int[] ids = new int[expected.length()];
                boolean[] starts = new boolean[expected.length()];
                corpus.copyTokens(token, ids, 0, ids.length);
                corpus.copyWordStarts(token, starts, 0, starts.length);
                assertArrayEquals(expected.ids(), ids, "sentence " + sentence);
                assertArrayEquals(expected.wordStarts(), starts, "sentence " + sentence);
                sentence++;
                token += expected.length();
            }
        }
        assertEquals(sentence, corpus.firstSentence(documents.size()));
        assertEquals(sentence, corpus.sentenceCount());
        assertEquals(token, corpus.firstToken(sentence));
        assertEquals(token, corpus.tokenCount());
    }

    @Test
    void roundTripInEveryWordBoundaryMode() throws IOException {
        List<Path> files = corpusFiles();
        for (WordBoundaries boundaries : WordBoundaries.values()) {
            Path out = dir.resolve("corpus-" + boundaries.optionName());
            CorpusPreparer.Result result = new CorpusPreparer(settings(out, boundaries, files)).run(Progress.SILENT);
            SentenceTokenizer tokenizer = new SentenceTokenizer(TestVocab.TOKENIZER, boundaries);
            var documents = expected(tokenizer, 13, List.of(FIRST_FILE, SECOND_FILE));
            try (ShardedCorpus corpus = ShardedCorpus.open(out)) {
                assertHolds(documents, corpus);
                CorpusIndex index = corpus.index();
                assertEquals(4, index.counts().documents());
                assertEquals(result.counts(), index.counts());
                assertEquals(boundaries, index.wordBoundaries());
                assertEquals(List.of(8, 16), index.seqLens());
                assertEquals(13, index.maxSentenceTokens());
                assertEquals("uint16", index.tokenDtype());
                assertEquals(21128, index.vocabSize());
                assertEquals(CorpusIndex.vocabularyHash(TestVocab.TOKENIZER.vocab()), index.vocabSha256());
                assertEquals(TokenizerOptions.defaults(), index.tokenizerOptions());
                assertEquals(List.of(new CorpusIndex.Input(files.get(0).toString(), Files.size(files.get(0))),
                        new CorpusIndex.Input(files.get(1).toString(), Files.size(files.get(1)))), index.inputs());
            }
        }
    }

    @Test
    void theIdsAreTheTokenizersAndTheLongSentenceIsCut() throws IOException {
        Path out = dir.resolve("corpus");
        new CorpusPreparer(settings(out, WordBoundaries.JIEBA, corpusFiles())).run(Progress.SILENT);
        try (ShardedCorpus corpus = ShardedCorpus.open(out)) {
            int[] first = new int[(int) corpus.firstToken(1)];
            corpus.copyTokens(0, first, 0, first.length);
            assertArrayEquals(TestVocab.TOKENIZER.tokenIds("我喜欢自然语言处理。"), first);
            boolean[] starts = new boolean[first.length];
            corpus.copyWordStarts(0, starts, 0, starts.length);
            assertEquals("[true, true, false, true, false, false, false, true, false, true]", Arrays.toString(starts));
            // document 2 is the long sentence alone: 34 tokens in pieces of 13, 13 and 8
            long s = corpus.firstSentence(2);
            assertEquals(s + 3, corpus.firstSentence(3));
            assertEquals(List.of(13L, 13L, 8L), List.of(corpus.firstToken(s + 1) - corpus.firstToken(s),
                    corpus.firstToken(s + 2) - corpus.firstToken(s + 1), corpus.firstToken(s + 3) - corpus.firstToken(s + 2)));
        }
    }

    @Test
    void aVocabularyOf65536OrMoreTokensStoresInt32() throws IOException {
        List<String> big = new ArrayList<>(Files.readAllLines(TestVocab.FILE));
        for (int i = 0; big.size() < 70_000; i++) big.add("[extra" + i + "]");
        big.set(big.size() - 1, "zzzqqq");
        Path vocabFile = Files.write(dir.resolve("big-vocab.txt"), big);
        Path text = Files.write(dir.resolve("c.txt"), List.of("zzzqqq 和 我喜欢自然语言处理"));
        CorpusPreparer.Settings s = settings(dir.resolve("big"), WordBoundaries.NONE, List.of(text));
        s.vocab = vocabFile;
        s.seqLens = List.of(128);
        new CorpusPreparer(s).run(Progress.SILENT);
        BertTokenizer tokenizer = new BertTokenizer(Vocab.load(vocabFile), TokenizerOptions.defaults());
        int[] expected = tokenizer.tokenIds("zzzqqq 和 我喜欢自然语言处理");
        assertEquals(69_999, expected[0]);
        try (ShardedCorpus corpus = ShardedCorpus.open(dir.resolve("big"))) {
            assertEquals("int32", corpus.index().tokenDtype());
            assertEquals(70_000, corpus.index().vocabSize());
            assertEquals(4L * expected.length, Files.size(dir.resolve("big/shard-00000.tokens")));
            int[] ids = new int[expected.length];
            corpus.copyTokens(0, ids, 0, ids.length);
            assertArrayEquals(expected, ids);
        }
    }

    @Test
    void readsAcrossShardBoundaries() throws IOException {
        List<String> lines = new ArrayList<>();
        Random random = new Random(7);
        for (int d = 0; d < 40; d++) {
            for (int s = 0; s <= random.nextInt(4); s++) lines.add("文档" + d + "的第" + s + "句 sentence " + "我喜欢".repeat(random.nextInt(5)));
            lines.add("");
        }
        Path text = Files.write(dir.resolve("many.txt"), lines);
        CorpusPreparer.Settings s = settings(dir.resolve("sharded"), WordBoundaries.JIEBA, List.of(text));
        s.shardBytes = 100; // a shard closes after the document that takes it to 50 tokens
        CorpusPreparer.Result result = new CorpusPreparer(s).run(Progress.SILENT);
        assertTrue(result.shards() > 5, result.shards() + " shards");
        var documents = expected(new SentenceTokenizer(TestVocab.TOKENIZER, WordBoundaries.JIEBA), 13, List.of(lines));
        try (ShardedCorpus corpus = ShardedCorpus.open(dir.resolve("sharded"))) {
            assertHolds(documents, corpus);
            int total = (int) corpus.tokenCount();
            int[] all = new int[total];
            boolean[] allStarts = new boolean[total];
            corpus.copyTokens(0, all, 0, total);
            corpus.copyWordStarts(0, allStarts, 0, total);
            for (int i = 0; i < 200; i++) { // random windows, most of them across shards, at odd offsets
                int from = random.nextInt(total);
                int count = random.nextInt(total - from + 1);
                int[] ids = new int[count + 3];
                boolean[] starts = new boolean[count + 3];
                corpus.copyTokens(from, ids, 3, count);
                corpus.copyWordStarts(from, starts, 3, count);
                assertArrayEquals(Arrays.copyOfRange(all, from, from + count), Arrays.copyOfRange(ids, 3, count + 3));
                assertArrayEquals(Arrays.copyOfRange(allStarts, from, from + count), Arrays.copyOfRange(starts, 3, count + 3));
            }
            for (CorpusIndex.Shard shard : corpus.index().shards()) {
                assertTrue(shard.tokens() * 2 >= 100 || shard == corpus.index().shards().getLast(), shard.toString());
            }
        }
    }

    @Test
    void theOutputIsTheSameBytesWhateverTheThreadsAndOnEveryRun() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 7000; i++) lines.add(i % 97 == 0 ? "" : "第" + i + "行：我喜欢自然语言处理 line " + i);
        Path text = Files.write(dir.resolve("long.txt"), lines); // more lines than one chunk
        List<Path> outputs = new ArrayList<>();
        for (int threads : new int[] {1, 3, 3}) {
            Path out = dir.resolve("out-" + outputs.size());
            CorpusPreparer.Settings s = settings(out, WordBoundaries.JIEBA, List.of(text));
            s.threads = threads;
            s.shardBytes = 50_000;
            new CorpusPreparer(s).run(Progress.SILENT);
            outputs.add(out);
        }
        assertTrue(fileNames(outputs.get(0)).size() > 5, fileNames(outputs.get(0)).toString());
        for (Path other : outputs.subList(1, 3)) assertSameFiles(outputs.get(0), other, true);
    }

    @Test
    void gzipInputGivesWhatPlainInputGives() throws IOException {
        List<Path> plain = corpusFiles();
        Path gz = dir.resolve("a.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(plain.get(0), out);
        }
        Path gzNoSuffix = dir.resolve("b-compressed");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzNoSuffix))) {
            Files.copy(plain.get(1), out);
        }
        new CorpusPreparer(settings(dir.resolve("plain"), WordBoundaries.JIEBA, plain)).run(Progress.SILENT);
        new CorpusPreparer(settings(dir.resolve("gz"), WordBoundaries.JIEBA, List.of(gz, gzNoSuffix))).run(Progress.SILENT);
        assertSameFiles(dir.resolve("plain"), dir.resolve("gz"), false);
    }

    @Test
    void overwriteReplacesAnEarlierCorpusWhole() throws IOException {
        List<Path> files = corpusFiles();
        Path out = dir.resolve("out");
        CorpusPreparer.Settings many = settings(out, WordBoundaries.NONE, files);
        many.shardBytes = 1;
        new CorpusPreparer(many).run(Progress.SILENT);
        Files.writeString(out.resolve("notes.txt"), "mine");
        CorpusPreparer.Settings one = settings(out, WordBoundaries.NONE, files);
        one.overwrite = true;
        new CorpusPreparer(one).run(Progress.SILENT);
        assertEquals(List.of("index.json", "notes.txt", "shard-00000.documents", "shard-00000.sentences",
                "shard-00000.tokens", "shard-00000.words"), fileNames(out));
        try (ShardedCorpus corpus = ShardedCorpus.open(out)) {
            assertHolds(expected(new SentenceTokenizer(TestVocab.TOKENIZER, WordBoundaries.NONE), 13,
                    List.of(FIRST_FILE, SECOND_FILE)), corpus);
        }
    }

    @Test
    void directoriesAndGlobsExpandSorted() throws IOException {
        Files.createDirectories(dir.resolve("in/sub"));
        Files.write(dir.resolve("in/sub/b.txt"), SECOND_FILE);
        Files.write(dir.resolve("in/a.txt"), FIRST_FILE);
        Files.writeString(dir.resolve("in/.hidden"), "不读\n");
        assertEquals(List.of(dir.resolve("in/a.txt"), dir.resolve("in/sub/b.txt")),
                CorpusFiles.expand(List.of(dir.resolve("in").toString())));
        assertEquals(List.of(dir.resolve("in/a.txt")), CorpusFiles.expand(List.of(dir.resolve("in") + "/*.txt")));
        assertEquals(List.of(dir.resolve("in/sub/b.txt")), CorpusFiles.expand(List.of(dir.resolve("in") + "/**/b.t?t")));
    }

    static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The same files with the same bytes; index.json too when {@code withIndex} (it names the inputs). */
    static void assertSameFiles(Path expected, Path actual, boolean withIndex) throws IOException {
        assertEquals(fileNames(expected), fileNames(actual));
        for (String name : fileNames(expected)) {
            if (!withIndex && name.equals(CorpusIndex.FILE_NAME)) continue;
            assertArrayEquals(Files.readAllBytes(expected.resolve(name)), Files.readAllBytes(actual.resolve(name)), name);
        }
        assertFalse(fileNames(expected).isEmpty());
    }
}
