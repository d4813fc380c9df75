package org.nezha.core.corpus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.nezha.core.InputException;
import org.nezha.core.io.IoErrors;

/**
 * Lays tokenized sentences out into shards: a document never crosses shards, a shard closes after
 * the document that takes its token bytes to {@code shardBytes} or more. Everything is written under temporary names; {@link #publish} renames it into place with
 * index.json last, and {@link #close} before that deletes it, so no half corpus ever opens.
 */
final class ShardedCorpusWriter implements CorpusReader.Sink, AutoCloseable {
    private static final Pattern CORPUS_FILE = Pattern.compile("shard-\\d{5,}\\.(tokens|sentences|documents|words)");

    private final Path dir;
    private final int tokenBytes;
    private final long shardBytes;
    private final List<CorpusIndex.Shard> shards = new ArrayList<>();
    private final Map<Path, Path> staged = new LinkedHashMap<>();
    private ShardWriter shard;
    private boolean inDocument;
    private boolean published;

    ShardedCorpusWriter(Path dir, int tokenBytes, long shardBytes) {
        this.dir = dir;
        this.tokenBytes = tokenBytes;
        this.shardBytes = shardBytes;
    }

    @Override
    public void endDocument() {
        inDocument = false;
    }

    @Override
    public void add(TokenizedSentence sentence) {
        if (sentence.length() == 0) return;
        if (!inDocument) {
            if (shard != null && shard.tokenBytesWritten() >= shardBytes) finishShard();
            if (shard == null) {
                shard = new ShardWriter(dir, shards.size(), tokenBytes);
                staged.putAll(shard.staged());
            }
            shard.startDocument();
            inDocument = true;
        }
        shard.addSentence(sentence);
    }

    /** The shards written so far, the open one finished. */
    List<CorpusIndex.Shard> finish() {
        if (shard != null) finishShard();
        return List.copyOf(shards);
    }

    private void finishShard() {
        shards.add(shard.finish());
        shard = null;
    }

    /**
     * Puts the new corpus in place of whatever corpus {@code dir} held: the old index.json goes first
     * (from then on nothing opens until the new one is written), then the shard files are renamed,
     * the old corpus's other shard files deleted and the index written.
     */
    void publish(CorpusIndex index) {
        try {
            Files.deleteIfExists(dir.resolve(CorpusIndex.FILE_NAME));
            for (Map.Entry<Path, Path> e : staged.entrySet()) {
                Files.move(e.getKey(), e.getValue(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            try (Stream<Path> entries = Files.list(dir)) {
                for (Path p : entries.toList()) {
                    if (CORPUS_FILE.matcher(p.getFileName().toString()).matches() && !staged.containsValue(p)) Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw InputException.in(dir, "cannot put the corpus in place: " + IoErrors.reason(e));
        }
        index.write(dir);
        published = true;
    }

    /** Before {@link #publish}: deletes every temporary file (the run failed). */
    @Override
    public void close() {
        if (published) return;
        if (shard != null) shard.close();
        for (Path temporary : staged.keySet()) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // the run's own failure is the one to report; a later run's claim removes the file
            }
        }
    }
}
