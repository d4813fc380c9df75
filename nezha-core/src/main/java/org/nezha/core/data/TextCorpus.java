package org.nezha.core.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.nezha.core.InputException;
import org.nezha.core.corpus.InMemoryCorpus;
import org.nezha.core.corpus.TokenizedSentence;

/**
 * Reads a pretraining corpus in Google BERT's create_pretraining_data format (one sentence per line,
 * a blank line between documents, each file a new document) and tokenizes it into memory: the input
 * of {@code pretrain --train} for corpora small enough for that (larger ones go through
 * {@code nezha prepare}).
 */
public final class TextCorpus {
    /** Bounds how much untokenized text is held at once while a large file is read. */
    private static final int LINES_PER_CHUNK = 1 << 14;

    private TextCorpus() {}

    /**
     * Reads and tokenizes the files in order, several lines at once ({@code tokenizer} must be
     * thread-safe). Sentences that tokenize to nothing and documents left empty are dropped, as
     * Google BERT does; a sentence of more than {@code maxSentenceTokens} is cut into pieces.
     */
    public static InMemoryCorpus read(List<Path> files, Function<String, TokenizedSentence> tokenizer, int maxSentenceTokens) {
        if (files.isEmpty()) throw new IllegalArgumentException("no corpus files given");
        InMemoryCorpus.Builder builder = new InMemoryCorpus.Builder();
        for (Path file : files) readFile(file, tokenizer.andThen(sentence -> sentence.pieces(maxSentenceTokens)), builder);
        InMemoryCorpus corpus = builder.build();
        if (corpus.tokenCount() == 0) {
            String names = files.stream().map(Path::toString).collect(Collectors.joining(", "));
            throw new InputException(names + ": " + (files.size() == 1 ? "contains" : "contain") + " no text");
        }
        return corpus;
    }

    private static void readFile(Path file, Function<String, List<TokenizedSentence>> tokenizer, InMemoryCorpus.Builder builder) {
        builder.endDocument();
        try (Utf8LineReader lines = Utf8LineReader.open(file)) {
            List<String> sentences = new ArrayList<>();
            BitSet startsDocument = new BitSet();
            boolean atDocumentStart = false;
            for (String line; (line = lines.nextLine()) != null; ) {
                if (line.isBlank()) {
                    atDocumentStart = true;
                    continue;
                }
                if (atDocumentStart) startsDocument.set(sentences.size());
                atDocumentStart = false;
                sentences.add(line);
                if (sentences.size() == LINES_PER_CHUNK) {
                    append(sentences, startsDocument, tokenizer, builder);
                    sentences.clear();
                    startsDocument.clear();
                }
            }
            append(sentences, startsDocument, tokenizer, builder);
        }
    }

    private static void append(List<String> sentences, BitSet startsDocument, Function<String, List<TokenizedSentence>> tokenizer,
            InMemoryCorpus.Builder builder) {
        List<List<TokenizedSentence>> tokenized = sentences.parallelStream().map(tokenizer).toList(); // toList keeps line order
        for (int i = 0; i < tokenized.size(); i++) {
            if (startsDocument.get(i)) builder.endDocument();
            tokenized.get(i).forEach(builder::add);
        }
    }
}
