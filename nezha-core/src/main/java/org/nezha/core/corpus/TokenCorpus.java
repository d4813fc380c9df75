package org.nezha.core.corpus;

import java.util.Locale;

/**
 * A tokenized pretraining corpus: documents made of sentences made of token ids, each token marked
 * when it starts a word (what whole-word and n-gram masking mask together). Indices are global over
 * the whole corpus, in corpus order: document d holds sentences [firstSentence(d),
 * firstSentence(d + 1)), sentence s holds tokens [firstToken(s), firstToken(s + 1)). No document and
 * no sentence is empty. Implementations are safe for concurrent readers.
 */
public interface TokenCorpus {
    long documentCount();

    long sentenceCount();

    long tokenCount();

    /** The first sentence of {@code document}; {@code firstSentence(documentCount())} is {@code sentenceCount()}. */
    long firstSentence(long document);

    /** The first token of {@code sentence}; {@code firstToken(sentenceCount())} is {@code tokenCount()}. */
    long firstToken(long sentence);

    /** Copies the ids of tokens [from, from + count) into {@code destination[offset …]}. */
    void copyTokens(long from, int[] destination, int offset, int count);

    /** Copies whether each of tokens [from, from + count) starts a word into {@code destination[offset …]}. */
    void copyWordStarts(long from, boolean[] destination, int offset, int count);

    /** For logs: "N documents, N sentences, N tokens". */
    default String summary() {
        return String.format(Locale.ROOT, "%,d documents, %,d sentences, %,d tokens", documentCount(), sentenceCount(),
                tokenCount());
    }
}
