package org.nezha.core.vocab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

import org.nezha.core.InputException;
import org.nezha.core.data.Utf8LineReader;
import org.nezha.core.io.IoErrors;
import org.nezha.core.pipeline.Progress;

/**
 * Counts the words of corpus files (plain UTF-8 or gzip), streaming: lines are read in chunks of
 * about {@value #CHUNK_CHARS} characters and counted by worker threads, each into its own map, so
 * memory is bounded by the distinct words, not by the corpus. Blank lines separate documents and
 * hold no words. The counts are sums, so they do not depend on the number of threads.
 */
public final class CorpusWordCounter {
    /** The longest line accepted, in bytes (1 MiB). */
    public static final int MAX_LINE_BYTES = 1 << 20;
    private static final int CHUNK_CHARS = 1 << 20;
    private static final List<String> END = List.of();

    /** Splits a line into words; must be thread-safe. */
    @FunctionalInterface
    public interface WordSplitter {
        void split(String line, Consumer<String> words);
    }

    private final WordSplitter splitter;
    private final int threads;
    private final int chunkChars;

    public CorpusWordCounter(WordSplitter splitter, int threads) {
        this(splitter, threads, CHUNK_CHARS);
    }

    /** Tests make chunks small to spread a small corpus over the threads. */
    CorpusWordCounter(WordSplitter splitter, int threads, int chunkChars) {
        if (threads < 1) throw new IllegalArgumentException("threads must be positive, got " + threads);
        this.splitter = splitter;
        this.threads = threads;
        this.chunkChars = chunkChars;
    }

    /** Counts the words of {@code files}, in order; bad input is an {@link InputException} naming file and line. */
    public WordCounts count(List<Path> files, Progress progress) {
        long totalBytes = 0;
        for (Path file : files) totalBytes += size(file);
        progress.begin("count words", totalBytes);
        List<Worker> workers = new ArrayList<>();
        BlockingQueue<List<String>> chunks = new ArrayBlockingQueue<>(2 * threads);
        for (int i = 0; i < threads; i++) {
            Worker worker = new Worker(chunks);
            workers.add(worker);
            worker.thread.start();
        }
        long lines = 0;
        try {
            long bytesBefore = 0;
            for (Path file : files) {
                lines += read(file, chunks, bytesBefore, progress);
                bytesBefore += size(file);
            }
        } finally {
            for (int i = 0; i < threads; i++) put(chunks, END);
            for (Worker worker : workers) join(worker);
        }
        progress.end();
        return WordCounts.sorted(merge(workers), lines);
    }

    private long read(Path file, BlockingQueue<List<String>> chunks, long bytesBefore, Progress progress) {
        long lines = 0;
        try (Utf8LineReader reader = Utf8LineReader.openCorpus(file, MAX_LINE_BYTES)) {
            List<String> chunk = new ArrayList<>();
            long charsInChunk = 0;
            for (String line; (line = reader.nextLine()) != null; ) {
                if (line.isBlank()) continue;
                lines++;
                chunk.add(line);
                charsInChunk += line.length();
                if (charsInChunk >= chunkChars) {
                    put(chunks, chunk);
                    chunk = new ArrayList<>();
                    charsInChunk = 0;
                    progress.advance(bytesBefore + reader.fileBytesRead(), String.format(Locale.ROOT, "%,d lines", lines));
                }
            }
            if (!chunk.isEmpty()) put(chunks, chunk);
            progress.advance(bytesBefore + reader.fileBytesRead(), String.format(Locale.ROOT, "%,d lines", lines));
        }
        return lines;
    }

    /** The workers' maps added into the largest one. */
    private static Map<String, long[]> merge(List<Worker> workers) {
        for (Worker worker : workers) {
            if (worker.failure != null) throw worker.failure;
        }
        Map<String, long[]> total = workers.get(0).counts;
        for (Worker worker : workers) if (worker.counts.size() > total.size()) total = worker.counts;
        for (Worker worker : workers) {
            if (worker.counts == total) continue;
            for (Map.Entry<String, long[]> e : worker.counts.entrySet()) {
                long[] cell = total.putIfAbsent(e.getKey(), e.getValue());
                if (cell != null) cell[0] += e.getValue()[0];
            }
        }
        return total;
    }

    private static long size(Path file) {
        if (!Files.exists(file)) throw InputException.in(file, "file not found");
        if (!Files.isRegularFile(file)) throw InputException.in(file, "not a regular file");
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
    }

    private static void put(BlockingQueue<List<String>> chunks, List<String> chunk) {
        try {
            chunks.put(chunk);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while counting words", e);
        }
    }

    private static void join(Worker worker) {
        try {
            worker.thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while counting words", e);
        }
    }

    /** Counts the chunks it takes into its own map until it takes {@link #END}. */
    private final class Worker implements Runnable {
        final Map<String, long[]> counts = new HashMap<>();
        final Thread thread = new Thread(this, "vocab-count");
        final BlockingQueue<List<String>> chunks;
        volatile RuntimeException failure;

        Worker(BlockingQueue<List<String>> chunks) {
            this.chunks = chunks;
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            Consumer<String> count = word -> {
                long[] cell = counts.get(word);
                if (cell == null) counts.put(word, new long[] {1});
                else cell[0]++;
            };
            try {
                for (List<String> chunk; (chunk = chunks.take()) != END; ) {
                    if (failure != null) continue; // keep taking, so the reader never blocks on a full queue
                    try {
                        for (String line : chunk) splitter.split(line, count);
                    } catch (RuntimeException e) {
                        failure = e;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
