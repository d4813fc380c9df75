package org.nezha.core.corpus;

import java.util.BitSet;
import java.util.Objects;
import java.util.function.Function;
import org.nezha.core.tokenizer.BertTokenizer;
import org.nezha.core.tokenizer.Vocab;
import org.nezha.core.tokenizer.WordTokens;

/**
 * One line of a corpus to token ids (exactly {@link BertTokenizer#tokenIds}, whatever the word
 * boundaries) and word-start marks:
 * <ul>
 *   <li>{@link WordBoundaries#NONE}: every token that is not a {@code ##} continuation piece;
 *   <li>{@link WordBoundaries#WHITESPACE}: the first token of every whitespace-separated chunk;
 *   <li>{@link WordBoundaries#JIEBA}: as NONE, except inside a run of consecutive Chinese-character
 *       tokens (each such character is a basic word of its own), where a character starts a word only
 *       where jieba's segmentation of the run does (HF's run_chinese_ref.py / run_mlm_wwm.py, with
 *       jieba in place of LTP). Whitespace ends a run.
 * </ul>
 * Thread-safe.
 */
public final class SentenceTokenizer {
    /** Joins the runs of one line for a single jieba call; jieba segments each side of it alone. */
    private static final char RUN_SEPARATOR = ' ';

    private final BertTokenizer tokenizer;
    private final WordBoundaries boundaries;
    /** Where jieba starts words in a text: {@link JiebaWords}, or another segmenter to compare with. */
    private final Function<String, BitSet> jiebaWordStarts;
    /** Indexed by id: the token is a {@code ##} continuation piece. */
    private final boolean[] continuation;

    public SentenceTokenizer(BertTokenizer tokenizer, WordBoundaries boundaries) {
        this(tokenizer, boundaries, JiebaWords::wordStarts);
    }

    SentenceTokenizer(BertTokenizer tokenizer, WordBoundaries boundaries, Function<String, BitSet> jiebaWordStarts) {
        this.jiebaWordStarts = Objects.requireNonNull(jiebaWordStarts, "jiebaWordStarts");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.boundaries = Objects.requireNonNull(boundaries, "boundaries");
        Vocab vocab = tokenizer.vocab();
        this.continuation = new boolean[vocab.size()];
        for (int id = 0; id < vocab.size(); id++) continuation[id] = vocab.token(id).startsWith("##");
    }

    public TokenizedSentence tokenize(String line) {
        return switch (boundaries) {
            case NONE -> {
                int[] ids = tokenizer.tokenIds(line);
                yield new TokenizedSentence(ids, pieceStarts(ids));
            }
            case WHITESPACE -> whitespaceWords(tokenizer.wordTokens(line));
            case JIEBA -> jiebaWords(tokenizer.wordTokens(line));
        };
    }

    private boolean[] pieceStarts(int[] ids) {
        boolean[] starts = new boolean[ids.length];
        for (int i = 0; i < ids.length; i++) starts[i] = !continuation[ids[i]];
        return starts;
    }

    private static TokenizedSentence whitespaceWords(WordTokens t) {
        int[] wordOf = t.wordOfId();
        boolean[] starts = new boolean[wordOf.length];
        for (int i = 0; i < wordOf.length; i++) {
            starts[i] = (i == 0 || wordOf[i] != wordOf[i - 1]) && t.chunkStarts().get(wordOf[i]);
        }
        return new TokenizedSentence(t.ids(), starts);
    }

    private TokenizedSentence jiebaWords(WordTokens t) {
        int[] ids = t.ids();
        boolean[] starts = pieceStarts(ids);
        boolean[] chinese = chineseCharTokens(t);
        // the runs of two or more characters joined into one text; tokenAt[k] is the token at its offset k
        StringBuilder runs = new StringBuilder();
        int[] tokenAt = new int[ids.length * 3];
        int i = 0;
        while (i < ids.length) {
            int end = i + 1;
            if (chinese[i]) {
                while (end < ids.length && chinese[end] && !t.chunkStarts().get(t.wordOfId()[end])) end++;
            }
            if (end - i >= 2) {
                if (!runs.isEmpty()) runs.append(RUN_SEPARATOR);
                for (int k = i; k < end; k++) {
                    tokenAt[runs.length()] = k;
                    runs.append(t.words().get(t.wordOfId()[k]));
                }
            }
            i = end;
        }
        if (runs.isEmpty()) return new TokenizedSentence(ids, starts);
        BitSet wordStarts = jiebaWordStarts.apply(runs.toString());
        for (int offset = 0; offset < runs.length(); offset++) {
            char c = runs.charAt(offset);
            if (c == RUN_SEPARATOR || Character.isLowSurrogate(c)) continue;
            int token = tokenAt[offset];
            starts[token] = wordStarts.get(offset);
        }
        return new TokenizedSentence(ids, starts);
    }

    /** Tokens that are a Chinese character standing alone as a basic word. */
    private static boolean[] chineseCharTokens(WordTokens t) {
        boolean[] chinese = new boolean[t.ids().length];
        for (int i = 0; i < chinese.length; i++) {
            String word = t.words().get(t.wordOfId()[i]);
            int cp = word.codePointAt(0);
            chinese[i] = word.length() == Character.charCount(cp) && BertTokenizer.isChineseChar(cp);
        }
        return chinese;
    }
}
