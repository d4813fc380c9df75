package org.nezha.core.tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Hugging Face's slow {@code BertTokenizer}: special tokens written in the text ([CLS], [SEP],
 * [MASK], [PAD], [UNK], case-sensitive) are kept whole, the rest goes through the basic tokenizer
 * and WordPiece; {@link #encode} adds [CLS]/[SEP], truncates "longest_first" and pads like
 * {@code tokenizer(a, b, max_length=n, truncation=True, padding="max_length")}. Thread-safe.
 */
public final class BertTokenizer {
    /** HF's {@code all_special_tokens} order; none is a prefix of another, so a first match is the longest. */
    private static final List<String> SPECIAL_TOKENS = List.of(Vocab.UNK, Vocab.SEP, Vocab.PAD, Vocab.CLS, Vocab.MASK);

    private final Vocab vocab;
    private final TokenizerOptions options;
    private final int[] specialIds;
    private final int clsId;
    private final int sepId;
    private final int padId;
    private final BasicTokenizer basicTokenizer;
    private final WordPiece wordPiece;

    /** Fails with an {@link org.nezha.core.InputException} when the vocabulary lacks one of the special tokens. */
    public BertTokenizer(Vocab vocab, TokenizerOptions options) {
        this.vocab = Objects.requireNonNull(vocab, "vocab");
        this.options = Objects.requireNonNull(options, "options");
        this.specialIds = new int[] {vocab.unkId(), vocab.sepId(), vocab.padId(), vocab.clsId(), vocab.maskId()};
        this.clsId = vocab.clsId();
        this.sepId = vocab.sepId();
        this.padId = vocab.padId();
        this.basicTokenizer = new BasicTokenizer(options, Set.copyOf(SPECIAL_TOKENS));
        this.wordPiece = new WordPiece(vocab, vocab.unkId());
    }

    /** {@code dir/vocab.txt} with the settings of {@code dir/tokenizer_config.json}, or HF's defaults without one. */
    public static BertTokenizer fromModelDir(Path dir) {
        return new BertTokenizer(Vocab.load(dir.resolve("vocab.txt")),
                TokenizerOptions.read(dir.resolve("tokenizer_config.json")));
    }

    public Vocab vocab() {
        return vocab;
    }

    public TokenizerOptions options() {
        return options;
    }

    /** The WordPiece tokens of {@code text}, without [CLS]/[SEP], as HF's {@code tokenize}. */
    public List<String> tokenize(String text) {
        int[] ids = tokenIds(text);
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            tokens.add(vocab.token(id));
        }
        return tokens;
    }

    /** The ids of {@link #tokenize}, without [CLS]/[SEP]. */
    public int[] tokenIds(String text) {
        IntList ids = new IntList();
        walk(text, new Pieces() {
            @Override
            public void word(String word, BasicTokenizer.Origin origin) {
                wordPiece.appendIds(word, ids);
            }

            @Override
            void special(String token, int id, int start) {
                ids.add(id);
            }
        });
        return ids.toArray();
    }

    /**
     * {@link #tokenIds} with the characters of {@code text} each id stands for: a WordPiece piece its
     * own characters as they were before lower-casing and accent stripping, an [UNK] its whole word,
     * a special token written in the text its brackets and name.
     */
    public TokenOffsets tokenOffsets(String text) {
        IntList ids = new IntList();
        IntList pieceEnds = new IntList(); // parallel to ids: where each piece ends in its word
        IntList starts = new IntList();
        IntList ends = new IntList();
        walk(text, new Pieces() {
            @Override
            public void word(String word, BasicTokenizer.Origin origin) {
                int first = ids.size();
                wordPiece.appendIds(word, ids, pieceEnds);
                int pieceStart = 0;
                for (int i = first; i < ids.size(); i++) {
                    starts.add(origin.start(pieceStart));
                    ends.add(origin.end(pieceEnds.get(i) - 1));
                    pieceStart = pieceEnds.get(i);
                }
            }

            @Override
            public boolean locates() {
                return true;
            }

            @Override
            void special(String token, int id, int start) {
                ids.add(id);
                pieceEnds.add(token.length());
                starts.add(start);
                ends.add(start + token.length());
            }
        });
        return new TokenOffsets(ids.toArray(), starts.toArray(), ends.toArray());
    }

    /**
     * {@link #tokenIds} with the words the ids came from, for callers that mark word boundaries:
     * the basic tokenizer's words (a special token is a word of its own), the word of each id, and
     * which words begin a whitespace-separated chunk of {@code text}.
     */
    public WordTokens wordTokens(String text) {
        IntList ids = new IntList();
        IntList wordOfId = new IntList();
        List<String> words = new ArrayList<>();
        BitSet chunkStarts = new BitSet();
        walk(text, new Pieces() {
            private boolean afterWhitespace = true; // the text's start counts as whitespace

            @Override
            public void word(String word, BasicTokenizer.Origin origin) {
                int first = ids.size();
                wordPiece.appendIds(word, ids);
                record(word, first);
            }

            @Override
            void special(String token, int id, int start) {
                int first = ids.size();
                ids.add(id);
                record(token, first);
            }

            @Override
            public void whitespace() {
                afterWhitespace = true;
            }

            private void record(String word, int firstId) {
                if (afterWhitespace) chunkStarts.set(words.size());
                afterWhitespace = false;
                for (int i = firstId; i < ids.size(); i++) wordOfId.add(words.size());
                words.add(word);
            }
        });
        return new WordTokens(ids.toArray(), wordOfId.toArray(), List.copyOf(words), chunkStarts);
    }

    /** Whether the basic tokenizer makes {@code codePoint} a word of its own (HF's CJK ranges), with tokenize_chinese_chars. */
    public static boolean isChineseChar(int codePoint) {
        return CharClasses.isChineseChar(codePoint);
    }

    /** What {@link #walk} finds: words for WordPiece, special tokens kept whole (at {@code start} in the text), and whitespace. */
    private abstract static class Pieces implements BasicTokenizer.Words {
        abstract void special(String token, int id, int start);
    }

    /** Special tokens written in the text are kept whole; the text between them goes through the basic tokenizer. */
    private void walk(String text, Pieces pieces) {
        int chunkStart = 0;
        int i = text.indexOf('[');
        while (i >= 0) {
            int special = specialTokenAt(text, i);
            if (special >= 0) {
                basicTokenizer.tokenize(text, chunkStart, i, pieces);
                pieces.special(SPECIAL_TOKENS.get(special), specialIds[special], i);
                chunkStart = i + SPECIAL_TOKENS.get(special).length();
                i = text.indexOf('[', chunkStart);
            } else {
                i = text.indexOf('[', i + 1);
            }
        }
        basicTokenizer.tokenize(text, chunkStart, text.length(), pieces);
    }

    /**
     * {@code [CLS] a [SEP]}, or {@code [CLS] a [SEP] b [SEP]} with token type 1 from b on; cut to
     * {@code maxLength} tokens in all by HF's longest-first rule, then padded to {@code maxLength}
     * with [PAD] (type 0, mask 0) when {@code padToMax}. {@code Integer.MAX_VALUE} without padding
     * means no truncation.
     *
     * @param textB the second text, or null for a single text
     * @throws IllegalArgumentException when {@code maxLength} cannot hold the special tokens
     */
    public Encoding encode(String textA, String textB, int maxLength, boolean padToMax) {
        return encodeIds(tokenIds(textA), textB == null ? null : tokenIds(textB), maxLength, padToMax);
    }

    /** {@link #encode} on ids that are already tokenized (no special tokens in them). */
    public Encoding encodeIds(int[] idsA, int[] idsB, int maxLength, boolean padToMax) {
        int specials = idsB == null ? 2 : 3;
        if (maxLength < specials) {
            throw new IllegalArgumentException("maxLength " + maxLength + " cannot hold the " + specials
                    + " special tokens of a " + (idsB == null ? "single text" : "pair"));
        }
        int budget = maxLength - specials;
        int keptA;
        int keptB;
        if (idsB == null) {
            keptA = Math.min(idsA.length, budget);
            keptB = 0;
        } else {
            LongestFirstTruncation.Kept kept = LongestFirstTruncation.keep(idsA.length, idsB.length, budget);
            keptA = kept.first();
            keptB = kept.second();
        }
        int used = keptA + keptB + specials;
        int length = padToMax ? maxLength : used;
        int[] inputIds = new int[length];
        int[] tokenTypes = new int[length];
        int[] mask = new int[length];
        int at = 0;
        inputIds[at++] = clsId;
        System.arraycopy(idsA, 0, inputIds, at, keptA);
        at += keptA;
        inputIds[at++] = sepId;
        if (idsB != null) {
            int secondStart = at;
            System.arraycopy(idsB, 0, inputIds, at, keptB);
            at += keptB;
            inputIds[at++] = sepId;
            Arrays.fill(tokenTypes, secondStart, at, 1);
        }
        Arrays.fill(mask, 0, used, 1);
        Arrays.fill(inputIds, used, length, padId);
        return new Encoding(inputIds, tokenTypes, mask);
    }

    private static int specialTokenAt(String text, int index) {
        for (int s = 0; s < SPECIAL_TOKENS.size(); s++) {
            if (text.startsWith(SPECIAL_TOKENS.get(s), index)) {
                return s;
            }
        }
        return -1;
    }
}
