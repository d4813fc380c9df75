package org.nezha.core.corpus;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nezha.core.InputException;
import org.nezha.core.io.MappedFiles;

/**
 * A corpus made by {@link CorpusPreparer}, its shard files mapped read-only into memory: reads go
 * straight to the mapped pages (the operating system's page cache), never through a copy of the
 * corpus on the heap. Thread-safe for readers until {@link #close}, which unmaps everything.
 */
public final class ShardedCorpus implements TokenCorpus, AutoCloseable {
    private static final ValueLayout.OfShort UINT16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong INT64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Elements moved per bulk copy into a scratch array before widening. */
    private static final int BLOCK = 1 << 13;

    private record Shard(MemorySegment tokens, MemorySegment sentences, MemorySegment documents, MemorySegment words) {}

    private final CorpusIndex index;
    private final Arena arena;
    private final Shard[] shards;
    private final boolean uint16;
    /** Global index of each shard's first document, sentence and token; entry [shards] is the total. */
    private final long[] documentBase;
    private final long[] sentenceBase;
    private final long[] tokenBase;

    private ShardedCorpus(CorpusIndex index, Arena arena, Shard[] shards) {
        this.index = index;
        this.arena = arena;
        this.shards = shards;
        this.uint16 = index.tokenBytes() == Short.BYTES;
        List<CorpusIndex.Shard> entries = index.shards();
        documentBase = new long[shards.length + 1];
        sentenceBase = new long[shards.length + 1];
        tokenBase = new long[shards.length + 1];
        for (int s = 0; s < shards.length; s++) {
            documentBase[s + 1] = documentBase[s] + entries.get(s).documents();
            sentenceBase[s + 1] = sentenceBase[s] + entries.get(s).sentences();
            tokenBase[s + 1] = tokenBase[s] + entries.get(s).tokens();
        }
    }

    /**
     * Reads {@code dir/index.json}, checks that every shard file is there with the size the index
     * gives, and maps them. A missing, truncated or foreign file is an {@link InputException} naming it.
     */
    public static ShardedCorpus open(Path dir) {
        CorpusIndex index = CorpusIndex.read(dir);
        Arena arena = Arena.ofShared();
        try {
            Shard[] shards = new Shard[index.shards().size()];
            for (int s = 0; s < shards.length; s++) shards[s] = map(dir, index.shards().get(s), arena);
            return new ShardedCorpus(index, arena, shards);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static Shard map(Path dir, CorpusIndex.Shard entry, Arena arena) {
        Map<ShardFile, MemorySegment> segments = new EnumMap<>(ShardFile.class);
        for (ShardFile kind : ShardFile.values()) {
            Path file = kind.in(dir, entry.name());
            long expected = entry.bytes().of(kind);
            MemorySegment segment = MappedFiles.map(file, arena, "missing (" + CorpusIndex.FILE_NAME + " lists it)");
            long size = segment.byteSize();
            if (size != expected) {
                throw InputException.in(file, size + " bytes, but " + CorpusIndex.FILE_NAME + " says " + expected
                        + (size < expected ? " (truncated?)" : " (from another run?)"));
            }
            segments.put(kind, segment);
        }
        MemorySegment sentences = segments.get(ShardFile.SENTENCES);
        MemorySegment documents = segments.get(ShardFile.DOCUMENTS);
        if (sentences.get(INT64, 0) != 0 || sentences.getAtIndex(INT64, entry.sentences()) != entry.tokens()) {
            throw InputException.in(ShardFile.SENTENCES.in(dir, entry.name()), "its offsets disagree with " + CorpusIndex.FILE_NAME);
        }
        if (documents.get(INT64, 0) != 0 || documents.getAtIndex(INT64, entry.documents()) != entry.sentences()) {
            throw InputException.in(ShardFile.DOCUMENTS.in(dir, entry.name()), "its offsets disagree with " + CorpusIndex.FILE_NAME);
        }
        return new Shard(segments.get(ShardFile.TOKENS), sentences, documents, segments.get(ShardFile.WORDS));
    }

    public CorpusIndex index() {
        return index;
    }

    @Override
    public long documentCount() {
        return documentBase[shards.length];
    }

    @Override
    public long sentenceCount() {
        return sentenceBase[shards.length];
    }

    @Override
    public long tokenCount() {
        return tokenBase[shards.length];
    }

    @Override
    public long firstSentence(long document) {
        Objects.checkIndex(document, documentCount() + 1);
        if (document == documentCount()) return sentenceCount();
        int s = shardOf(documentBase, document);
        return sentenceBase[s] + shards[s].documents().getAtIndex(INT64, document - documentBase[s]);
    }

    @Override
    public long firstToken(long sentence) {
        Objects.checkIndex(sentence, sentenceCount() + 1);
        if (sentence == sentenceCount()) return tokenCount();
        int s = shardOf(sentenceBase, sentence);
        return tokenBase[s] + shards[s].sentences().getAtIndex(INT64, sentence - sentenceBase[s]);
    }

    @Override
    public void copyTokens(long from, int[] destination, int offset, int count) {
        checkRange(from, destination.length, offset, count);
        short[] scratch = uint16 ? new short[Math.min(count, BLOCK)] : null;
        while (count > 0) {
            int s = shardOf(tokenBase, from);
            long local = from - tokenBase[s];
            int n = (int) Math.min(count, tokenBase[s + 1] - from);
            MemorySegment tokens = shards[s].tokens();
            if (uint16) {
                for (int done = 0; done < n; ) {
                    int m = Math.min(n - done, BLOCK);
                    MemorySegment.copy(tokens, UINT16, (local + done) * Short.BYTES, scratch, 0, m);
                    for (int j = 0; j < m; j++) destination[offset + done + j] = scratch[j] & 0xFFFF;
                    done += m;
                }
            } else {
                MemorySegment.copy(tokens, INT32, local * Integer.BYTES, destination, offset, n);
            }
            from += n;
            offset += n;
            count -= n;
        }
    }

    @Override
    public void copyWordStarts(long from, boolean[] destination, int offset, int count) {
        checkRange(from, destination.length, offset, count);
        byte[] scratch = new byte[Math.min(count / 8 + 2, BLOCK)];
        while (count > 0) {
            int s = shardOf(tokenBase, from);
            long local = from - tokenBase[s];
            int n = (int) Math.min(count, tokenBase[s + 1] - from);
            MemorySegment words = shards[s].words();
            for (int done = 0; done < n; ) {
                long token = local + done;
                long firstByte = token >>> 3;
                int m = (int) Math.min(n - done, (long) (scratch.length - 1) * 8);
                long lastByte = (token + m - 1) >>> 3;
                MemorySegment.copy(words, ValueLayout.JAVA_BYTE, firstByte, scratch, 0, (int) (lastByte - firstByte + 1));
                int bit = (int) (token & 7);
                for (int j = 0; j < m; j++, bit++) destination[offset + done + j] = (scratch[bit >>> 3] & (1 << (bit & 7))) != 0;
                done += m;
            }
            from += n;
            offset += n;
            count -= n;
        }
    }

    private void checkRange(long from, int destinationLength, int offset, int count) {
        Objects.checkFromIndexSize(offset, count, destinationLength);
        Objects.checkFromIndexSize(from, count, tokenCount());
    }

    /** The shard holding global element {@code i}, by binary search over the shards' first elements. */
    private int shardOf(long[] bases, long i) {
        int found = Arrays.binarySearch(bases, 0, shards.length, i);
        return found >= 0 ? found : -found - 2;
    }

    @Override
    public void close() {
        arena.close();
    }
}
