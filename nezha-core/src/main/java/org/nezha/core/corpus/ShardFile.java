package org.nezha.core.corpus;

import java.nio.file.Path;

/** The four files of a shard, {@code shard-NNNNN.<suffix>}, and the size each must have. */
enum ShardFile {
    /** The token ids, uint16 or int32 little-endian. */
    TOKENS("tokens"),
    /** int64 little-endian: the token offset (within the shard) where each sentence starts, then the token count. */
    SENTENCES("sentences"),
    /** int64 little-endian: the sentence index (within the shard) where each document starts, then the sentence count. */
    DOCUMENTS("documents"),
    /** Word-start marks, one bit per token: token t is bit t % 8 of byte t / 8. */
    WORDS("words");

    final String suffix;

    ShardFile(String suffix) {
        this.suffix = suffix;
    }

    static String shardName(int shard) {
        return String.format("shard-%05d", shard);
    }

    Path in(Path dir, String shardName) {
        return dir.resolve(shardName + "." + suffix);
    }

    long expectedBytes(CorpusIndex.Shard shard, int tokenBytes) {
        return switch (this) {
            case TOKENS -> shard.tokens() * tokenBytes;
            case SENTENCES -> (shard.sentences() + 1) * Long.BYTES;
            case DOCUMENTS -> (shard.documents() + 1) * Long.BYTES;
            case WORDS -> (shard.tokens() + 7) / 8;
        };
    }
}
