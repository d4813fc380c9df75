package org.nezha.core.corpus;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nezha.core.io.TemporaryNames;

/**
 * One shard's four files ({@link ShardFile}), written under temporary names; {@link #finish} ends
 * them and {@link #staged} says which temporary file becomes which shard file.
 */
final class ShardWriter implements AutoCloseable {
    private final String name;
    private final int tokenBytes;
    private final Map<ShardFile, Path> targets = new EnumMap<>(ShardFile.class);
    private final Map<ShardFile, Path> temporaries = new EnumMap<>(ShardFile.class);
    private final Map<ShardFile, LittleEndianOutput> outputs = new EnumMap<>(ShardFile.class);
    private long documents;
    private long sentences;
    private long tokens;
    private int pendingBits; // word-start marks of tokens not yet a whole byte
    private int pendingBitCount;

    ShardWriter(Path dir, int number, int tokenBytes) {
        this.name = ShardFile.shardName(number);
        this.tokenBytes = tokenBytes;
        try {
            for (ShardFile file : ShardFile.values()) {
                Path target = file.in(dir, name);
                targets.put(file, target);
                temporaries.put(file, TemporaryNames.staging(target));
                outputs.put(file, new LittleEndianOutput(temporaries.get(file), target));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    void startDocument() {
        outputs.get(ShardFile.DOCUMENTS).putLong(sentences);
        documents++;
    }

    /** Appends {@code sentence} to the current document. */
    void addSentence(TokenizedSentence sentence) {
        outputs.get(ShardFile.SENTENCES).putLong(tokens);
        sentences++;
        LittleEndianOutput ids = outputs.get(ShardFile.TOKENS);
        LittleEndianOutput words = outputs.get(ShardFile.WORDS);
        int[] tokenIds = sentence.ids();
        boolean[] starts = sentence.wordStarts();
        for (int i = 0; i < tokenIds.length; i++) {
            if (tokenBytes == Short.BYTES) ids.putShort((short) tokenIds[i]);
            else ids.putInt(tokenIds[i]);
            if (starts[i]) pendingBits |= 1 << pendingBitCount;
            if (++pendingBitCount == 8) {
                words.putByte((byte) pendingBits);
                pendingBits = 0;
                pendingBitCount = 0;
            }
        }
        tokens += tokenIds.length;
    }

    long documents() {
        return documents;
    }

    long tokenBytesWritten() {
        return tokens * tokenBytes;
    }

    /** Writes the end offsets and the last bits, forces every file to disk; returns the shard's index entry. */
    CorpusIndex.Shard finish() {
        outputs.get(ShardFile.SENTENCES).putLong(tokens);
        outputs.get(ShardFile.DOCUMENTS).putLong(sentences);
        if (pendingBitCount > 0) outputs.get(ShardFile.WORDS).putByte((byte) pendingBits);
        for (LittleEndianOutput out : outputs.values()) out.finish();
        var sizes = new EnumMap<ShardFile, Long>(ShardFile.class);
        outputs.forEach((file, out) -> sizes.put(file, out.size()));
        close();
        return new CorpusIndex.Shard(name, documents, sentences, tokens, new CorpusIndex.Bytes(sizes.get(ShardFile.TOKENS),
                sizes.get(ShardFile.SENTENCES), sizes.get(ShardFile.DOCUMENTS), sizes.get(ShardFile.WORDS)));
    }

    /** Temporary file to shard file, for the rename that publishes the corpus. */
    Map<Path, Path> staged() {
        Map<Path, Path> staged = new LinkedHashMap<>();
        for (ShardFile file : ShardFile.values()) staged.put(temporaries.get(file), targets.get(file));
        return staged;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (LittleEndianOutput out : outputs.values()) {
            try {
                out.close();
            } catch (RuntimeException e) {
                if (failure == null) failure = e;
            }
        }
        outputs.clear();
        if (failure != null) throw failure;
    }
}
