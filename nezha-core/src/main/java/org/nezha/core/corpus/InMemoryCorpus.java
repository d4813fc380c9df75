package org.nezha.core.corpus;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.nezha.core.InputException;
import org.nezha.core.pipeline.Progress;

/**
 * A {@link TokenCorpus} held in heap arrays, for corpora small enough to tokenize at start-up (the
 * text files {@code pretrain --train} reads) and for tests. Built sentence by sentence; immutable
 * once built.
 */
public final class InMemoryCorpus implements TokenCorpus {
    private final int[] tokens;
    private final BitSet wordStarts;
    private final long[] sentenceStarts; // sentence s: tokens [sentenceStarts[s], sentenceStarts[s + 1])
    private final long[] documentStarts; // document d: sentences [documentStarts[d], documentStarts[d + 1])

    private InMemoryCorpus(int[] tokens, BitSet wordStarts, long[] sentenceStarts, long[] documentStarts) {
        this.tokens = tokens;
        this.wordStarts = wordStarts;
        this.sentenceStarts = sentenceStarts;
        this.documentStarts = documentStarts;
    }

    /**
     * Reads and tokenizes corpus files (see {@link CorpusReader}) on all cores into memory; a sentence of
     * more than {@code maxSentenceTokens} is cut into pieces.
     */
    public static InMemoryCorpus read(List<Path> files, Function<String, TokenizedSentence> tokenizer, int maxSentenceTokens,
            Progress progress) {
        Builder builder = new Builder();
        try (CorpusReader reader = new CorpusReader(tokenizer, Runtime.getRuntime().availableProcessors(), maxSentenceTokens,
                progress)) {
            reader.readAll(files, builder);
        }
        InMemoryCorpus corpus = builder.build();
        if (corpus.tokenCount() == 0) {
            String names = files.stream().map(Path::toString).collect(Collectors.joining(", "));
            throw new InputException(names + ": " + (files.size() == 1 ? "contains" : "contain") + " no text");
        }
        return corpus;
    }

    /** Collects sentences in corpus order; empty sentences and documents are dropped, as Google BERT drops them. */
    public static final class Builder implements CorpusReader.Sink {
        private int[] tokens = new int[1 << 12];
        private final BitSet wordStarts = new BitSet();
        private long[] sentenceStarts = new long[1 << 8];
        private long[] documentStarts = new long[1 << 6];
        private int tokenCount;
        private int sentenceCount;
        private int documentCount;
        private int documentFirstSentence;

        @Override
        public void add(TokenizedSentence sentence) {
            if (sentence.length() == 0) return;
            if ((long) tokenCount + sentence.length() > Integer.MAX_VALUE - 8) {
                throw new InputException("the corpus has over 2^31 tokens, too many to hold in memory: "
                        + "tokenize it into shards with nezha prepare and train with --data");
            }
            if (sentenceCount == documentFirstSentence) documentStarts = put(documentStarts, documentCount++, sentenceCount);
            sentenceStarts = put(sentenceStarts, sentenceCount++, tokenCount);
            if (tokens.length < tokenCount + sentence.length()) {
                tokens = Arrays.copyOf(tokens, Math.max(tokens.length * 2, tokenCount + sentence.length()));
            }
            System.arraycopy(sentence.ids(), 0, tokens, tokenCount, sentence.length());
            for (int i = 0; i < sentence.length(); i++) {
                if (sentence.wordStarts()[i]) wordStarts.set(tokenCount + i);
            }
            tokenCount += sentence.length();
        }

        @Override
        public void endDocument() {
            documentFirstSentence = sentenceCount;
        }

        public InMemoryCorpus build() {
            return new InMemoryCorpus(Arrays.copyOf(tokens, tokenCount), (BitSet) wordStarts.clone(),
                    put(Arrays.copyOf(sentenceStarts, sentenceCount + 1), sentenceCount, tokenCount),
                    put(Arrays.copyOf(documentStarts, documentCount + 1), documentCount, sentenceCount));
        }

        private static long[] put(long[] array, int index, long value) {
            long[] target = index < array.length ? array : Arrays.copyOf(array, array.length * 2);
            target[index] = value;
            return target;
        }
    }

    @Override
    public long documentCount() {
        return documentStarts.length - 1;
    }

    @Override
    public long sentenceCount() {
        return sentenceStarts.length - 1;
    }

    @Override
    public long tokenCount() {
        return tokens.length;
    }

    @Override
    public long firstSentence(long document) {
        return documentStarts[Math.toIntExact(document)];
    }

    @Override
    public long firstToken(long sentence) {
        return sentenceStarts[Math.toIntExact(sentence)];
    }

    @Override
    public void copyTokens(long from, int[] destination, int offset, int count) {
        System.arraycopy(tokens, Math.toIntExact(from), destination, offset, count);
    }

    @Override
    public void copyWordStarts(long from, boolean[] destination, int offset, int count) {
        int start = Math.toIntExact(from);
        for (int i = 0; i < count; i++) destination[offset + i] = wordStarts.get(start + i);
    }
}
