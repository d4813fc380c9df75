package org.nezha.core.corpus;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import org.nezha.core.data.Utf8LineReader;
import org.nezha.core.pipeline.Progress;

/**
 * Reads corpus files in Google BERT's layout (one sentence per line, a blank line between documents,
 * every file a new document; plain or gzip) in chunks of lines, tokenizes the chunks on a fixed pool
 * of threads and hands the sentences to a {@link Sink} in input order, so the result is the same for
 * any number of threads. A sentence longer than {@code maxSentenceTokens} is handed over in pieces.
 * Memory is bounded by the chunks in flight, a few per thread; progress advances by the files' bytes.
 */
public final class CorpusReader implements AutoCloseable {
    /** The longest line accepted: one huge line cannot exhaust memory. */
    public static final int MAX_LINE_BYTES = 1 << 20;
    private static final int CHUNK_LINES = 2048;
    private static final int CHUNK_CHARS = 1 << 20;

    /** Where the tokenized sentences go, in corpus order. */
    public interface Sink {
        /** Adds a sentence to the current document; one without tokens is dropped, and so is a document without sentences. */
        void add(TokenizedSentence sentence);

        /** The next sentence starts a new document. */
        void endDocument();
    }

    /** A chunk of non-blank lines; {@code documentStarts} marks those that begin a document. */
    private record Chunk(List<String> lines, BitSet documentStarts) {}

    private record TokenizedChunk(List<TokenizedSentence> sentences, BitSet documentStarts) {}

    private final Function<String, TokenizedSentence> tokenizer;
    private final int maxSentenceTokens;
    private final Progress progress;
    private final ExecutorService pool;
    private final int maxInFlight;
    private final ArrayDeque<Future<TokenizedChunk>> inFlight = new ArrayDeque<>();
    private long bytesBefore; // bytes of the files read to the end
    private long bytesRead;
    private List<String> lines = new ArrayList<>();
    private BitSet documentStarts = new BitSet();
    private int chunkChars;

    /** @param tokenizer thread-safe: it runs on {@code threads} threads at once */
    public CorpusReader(Function<String, TokenizedSentence> tokenizer, int threads, int maxSentenceTokens, Progress progress) {
        this.tokenizer = tokenizer;
        this.maxSentenceTokens = maxSentenceTokens;
        this.progress = progress;
        this.pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon().name("corpus-", 0).factory());
        this.maxInFlight = 2 * threads;
    }

    /** Reads the files in order into {@code sink}; errors name the file and line. */
    public void readAll(List<Path> files, Sink sink) {
        for (Path file : files) {
            try (Utf8LineReader reader = Utf8LineReader.openCorpus(file, MAX_LINE_BYTES)) {
                boolean atDocumentStart = true;
                for (String line; (line = reader.nextLine()) != null; ) {
                    if (line.isBlank()) {
                        atDocumentStart = true;
                        continue;
                    }
                    if (atDocumentStart) documentStarts.set(lines.size());
                    atDocumentStart = false;
                    lines.add(line);
                    chunkChars += line.length();
                    if (lines.size() == CHUNK_LINES || chunkChars >= CHUNK_CHARS) {
                        bytesRead = bytesBefore + reader.fileBytesRead();
                        submitChunk(sink);
                    }
                }
                bytesBefore += reader.fileBytesRead();
                bytesRead = bytesBefore;
            }
        }
        submitChunk(sink);
        while (!inFlight.isEmpty()) handOverOldest(sink);
    }

    private void submitChunk(Sink sink) {
        if (lines.isEmpty()) return;
        Chunk chunk = new Chunk(lines, documentStarts);
        inFlight.add(pool.submit(() -> tokenize(chunk)));
        lines = new ArrayList<>();
        documentStarts = new BitSet();
        chunkChars = 0;
        while (inFlight.size() > maxInFlight) handOverOldest(sink);
    }

    private TokenizedChunk tokenize(Chunk chunk) {
        List<TokenizedSentence> sentences = new ArrayList<>(chunk.lines().size());
        for (String line : chunk.lines()) sentences.add(tokenizer.apply(line));
        return new TokenizedChunk(sentences, chunk.documentStarts());
    }

    private void handOverOldest(Sink sink) {
        TokenizedChunk chunk = await(inFlight.removeFirst());
        for (int i = 0; i < chunk.sentences().size(); i++) {
            if (chunk.documentStarts().get(i)) sink.endDocument();
            chunk.sentences().get(i).pieces(maxSentenceTokens).forEach(sink::add);
        }
        progress.advance(bytesRead, String.format(Locale.ROOT, "%.1f MB", bytesRead / 1e6));
    }

    private static TokenizedChunk await(Future<TokenizedChunk> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the corpus", e);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
