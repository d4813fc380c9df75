package org.nezha.core.corpus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.nezha.core.InputException;
import org.nezha.core.io.OutputPaths;
import org.nezha.core.pipeline.Progress;
import org.nezha.core.tokenizer.BertTokenizer;
import org.nezha.core.tokenizer.TokenizerOptions;
import org.nezha.core.tokenizer.Vocab;

/**
 * {@code nezha prepare}: tokenizes a corpus in Google BERT's layout (one sentence per line, a blank
 * line between documents, each file a new document; plain or gzip) once into shards that
 * {@link ShardedCorpus} maps. Files are read in chunks of lines on the calling thread, each chunk
 * tokenized on a fixed pool, and the chunks written in input order, so memory stays bounded and
 * the output is the same byte for byte whatever the thread count.
 */
public final class CorpusPreparer {
    /** Longest line accepted, in bytes of UTF-8: bounds the memory one line can take. */
    public static final int MIN_SEQ_LEN = 8;
    public static final int MAX_SEQ_LEN = 1 << 16;
    /** [CLS] A [SEP] B [SEP]: a sentence of max(seq_len) - 3 tokens still fits a sequence. */
    public static final int SPECIAL_TOKENS_PER_SEQUENCE = 3;

    public static final class Settings {
        /** Files, directories or glob patterns, in order. */
        public List<String> corpus = List.of();
        public Path vocab;
        public TokenizerOptions tokenizerOptions = TokenizerOptions.defaults();
        public Path output;
        public List<Integer> seqLens = List.of(128, 512);
        public WordBoundaries wordBoundaries = WordBoundaries.JIEBA;
        /** A shard closes after the document that takes its token bytes to this many. */
        public long shardBytes = 256L << 20;
        public int threads = Runtime.getRuntime().availableProcessors();
        public boolean overwrite;
    }

    public record Result(Path output, CorpusIndex.Counts counts, int shards, double seconds) {
        public double megabytesPerSecond() {
            return counts.inputBytes() / 1e6 / Math.max(seconds, 1e-9);
        }
    }

    private final Settings settings;

    public CorpusPreparer(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public Result run(Progress progress) {
        long started = System.nanoTime();
        checkSettings();
        if (settings.wordBoundaries == WordBoundaries.JIEBA) JiebaWords.loadInBackground();
        List<Path> files = CorpusFiles.expand(settings.corpus);
        Vocab vocab = Vocab.load(settings.vocab);
        SentenceTokenizer tokenizer = new SentenceTokenizer(new BertTokenizer(vocab, settings.tokenizerOptions),
                settings.wordBoundaries);
        OutputPaths.requireUsableDirectory(settings.output, settings.overwrite);
        List<CorpusIndex.Input> inputs = files.stream().map(f -> new CorpusIndex.Input(f.toString(), CorpusFiles.size(f))).toList();
        long inputBytes = inputs.stream().mapToLong(CorpusIndex.Input::bytes).sum();
        boolean created = !Files.exists(settings.output);
        OutputPaths.claimRunDirectory(settings.output);
        try {
            return prepare(files, inputs, inputBytes, vocab, tokenizer, progress, started);
        } catch (RuntimeException e) {
            if (created) OutputPaths.removeIfEmpty(settings.output); // the writer has removed its temporary files
            throw e;
        }
    }

    private Result prepare(List<Path> files, List<CorpusIndex.Input> inputs, long inputBytes, Vocab vocab,
            SentenceTokenizer tokenizer, Progress progress, long started) {
        int maxSentenceTokens = Collections.max(settings.seqLens) - SPECIAL_TOKENS_PER_SEQUENCE;
        String dtype = CorpusIndex.dtypeFor(vocab.size());
        try (ShardedCorpusWriter writer = new ShardedCorpusWriter(settings.output,
                dtype.equals("uint16") ? Short.BYTES : Integer.BYTES, settings.shardBytes);
                CorpusReader reader = new CorpusReader(tokenizer::tokenize, settings.threads, maxSentenceTokens, progress)) {
            progress.begin("prepare", inputBytes);
            reader.readAll(files, writer);
            List<CorpusIndex.Shard> shards = writer.finish();
            progress.end();
            CorpusIndex.Counts counts = new CorpusIndex.Counts(files.size(),
                    shards.stream().mapToLong(CorpusIndex.Shard::documents).sum(),
                    shards.stream().mapToLong(CorpusIndex.Shard::sentences).sum(),
                    shards.stream().mapToLong(CorpusIndex.Shard::tokens).sum(), inputBytes);
            if (counts.tokens() == 0) {
                throw new InputException(String.join(", ", settings.corpus) + ": "
                        + (files.size() == 1 ? "contains" : "contain") + " no text");
            }
            CorpusIndex index = new CorpusIndex(CorpusIndex.FORMAT, CorpusIndex.VERSION, dtype, vocab.size(),
                    CorpusIndex.vocabularyHash(vocab), CorpusIndex.Tokenizer.of(settings.tokenizerOptions),
                    settings.wordBoundaries, List.copyOf(settings.seqLens), maxSentenceTokens, counts, shards, inputs);
            writer.publish(index);
            return new Result(settings.output, counts, shards.size(), (System.nanoTime() - started) / 1e9);
        }
    }

    private void checkSettings() {
        if (settings.corpus.isEmpty()) throw new InputException("--corpus: give at least one file, directory or pattern");
        if (settings.seqLens.isEmpty()) throw new InputException("--seq-len: give at least one length");
        for (int length : settings.seqLens) {
            if (length < MIN_SEQ_LEN || length > MAX_SEQ_LEN) {
                throw new InputException(String.format(Locale.ROOT, "--seq-len %d: must be between %d and %d",
                        length, MIN_SEQ_LEN, MAX_SEQ_LEN));
            }
        }
        if (settings.threads < 1) throw new InputException("--threads " + settings.threads + ": must be at least 1");
        if (settings.shardBytes < 1) throw new InputException("--shard-size-mb: must be positive");
    }

}
