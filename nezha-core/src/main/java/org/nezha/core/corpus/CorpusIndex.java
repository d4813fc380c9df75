package org.nezha.core.corpus;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.nezha.core.InputException;
import org.nezha.core.io.AtomicFiles;
import org.nezha.core.io.IoErrors;
import org.nezha.core.tokenizer.TokenizerOptions;
import org.nezha.core.tokenizer.Vocab;

/**
 * {@code DIR/index.json} of a prepared corpus: what it holds and how it was made, so training can
 * check that a corpus fits its vocabulary and settings before it starts.
 *
 * @param tokenDtype "uint16" when the vocabulary has fewer than 65,536 entries, else "int32"
 * @param vocabSha256 {@link #vocabularyHash} of the vocabulary the ids index
 * @param seqLens the sequence lengths the corpus was prepared for
 * @param maxSentenceTokens the longest sentence: max(seqLens) - 3, so [CLS] A [SEP] B [SEP] fits
 * @param inputs the corpus files in the order read, named as given on the command line
 */
public record CorpusIndex(String format, int version, String tokenDtype, int vocabSize, String vocabSha256,
        Tokenizer tokenizer, WordBoundaries wordBoundaries, List<Integer> seqLens, int maxSentenceTokens,
        Counts counts, List<Shard> shards, List<Input> inputs) {
    public static final String FORMAT = "nezha-token-corpus";
    public static final int VERSION = 1;
    public static final String FILE_NAME = "index.json";
    /** Ids below this fit in an unsigned 16-bit token. */
    static final int UINT16_LIMIT = 1 << 16;

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** The tokenizer settings that change ids (HF's tokenizer_config.json keys). */
    public record Tokenizer(boolean doLowerCase, Boolean stripAccents, boolean tokenizeChineseChars) {
        static Tokenizer of(TokenizerOptions o) {
            return new Tokenizer(o.doLowerCase(), o.stripAccents(), o.tokenizeChineseChars());
        }
    }

    public record Counts(long files, long documents, long sentences, long tokens, long inputBytes) {}

    /** One shard: its name (the files' common stem), counts and the size of each of its files. */
    public record Shard(String name, long documents, long sentences, long tokens, Bytes bytes) {}

    public record Bytes(long tokens, long sentences, long documents, long words) {
        long of(ShardFile file) {
            return switch (file) {
                case TOKENS -> tokens;
                case SENTENCES -> sentences;
                case DOCUMENTS -> documents;
                case WORDS -> words;
            };
        }
    }

    public record Input(String path, long bytes) {}

    public TokenizerOptions tokenizerOptions() {
        return new TokenizerOptions(tokenizer.doLowerCase(), tokenizer.stripAccents(), tokenizer.tokenizeChineseChars());
    }

    static String dtypeFor(int vocabSize) {
        return vocabSize < UINT16_LIMIT ? "uint16" : "int32";
    }

    /** Bytes per token id in the tokens files. */
    int tokenBytes() {
        return tokenDtype.equals("uint16") ? Short.BYTES : Integer.BYTES;
    }

    /**
     * SHA-256 of the token list (each token in UTF-8 followed by LF), so the same vocabulary hashes
     * the same whatever its line endings.
     */
    public static String vocabularyHash(Vocab vocab) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (int id = 0; id < vocab.size(); id++) {
                sha.update(vocab.token(id).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) '\n');
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Writes {@code dir/index.json} whole or not at all. */
    void write(Path dir) {
        AtomicFiles.writeStream(dir.resolve(FILE_NAME), out -> JSON.writeValue(out, this));
    }

    /** Reads and checks {@code dir/index.json}; every problem is an {@link InputException} naming the file. */
    public static CorpusIndex read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        CorpusIndex index;
        try {
            JsonNode root = JSON.readTree(Files.readAllBytes(file));
            if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
                throw InputException.in(file, "not a prepared corpus index (its \"format\" is not \"" + FORMAT + "\")");
            }
            if (root.path("version").asInt(-1) != VERSION) {
                throw InputException.in(file, "corpus format version " + root.path("version")
                        + ", but this nezha reads version " + VERSION + " (prepare the corpus again)");
            }
            index = JSON.treeToValue(root, CorpusIndex.class);
        } catch (NoSuchFileException e) {
            throw InputException.in(file, "not found (is " + dir + " a corpus made by 'nezha prepare'?)");
        } catch (JacksonException e) {
            throw InputException.in(file, "invalid index: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
        index.check(file);
        return index;
    }

    private void check(Path file) {
        if (!tokenDtype.equals(dtypeFor(vocabSize))) {
            throw InputException.in(file, "token dtype " + tokenDtype + " does not fit a vocabulary of " + vocabSize);
        }
        long documents = 0, sentences = 0, tokens = 0;
        for (Shard s : shards) {
            if (!s.name().matches("shard-\\d{5,}")) throw InputException.in(file, "invalid shard name '" + s.name() + "'");
            for (ShardFile f : ShardFile.values()) {
                if (s.bytes().of(f) != f.expectedBytes(s, tokenBytes())) {
                    throw InputException.in(file, "shard " + s.name() + ": its " + f.suffix + " size disagrees with its counts");
                }
            }
            documents += s.documents();
            sentences += s.sentences();
            tokens += s.tokens();
        }
        if (documents != counts.documents() || sentences != counts.sentences() || tokens != counts.tokens()) {
            throw InputException.in(file, "the shards' counts do not add up to the corpus counts");
        }
    }
}
