package org.nezha.core.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.stream.Collectors;

import org.nezha.core.InputException;

/**
 * A pretraining corpus in Google BERT's create_pretraining_data format (one sentence per line, a
 * blank line between documents), tokenized once and held as documents of int[] sentences.
 */
public final class PretrainingCorpus {
    /** Bounds how much untokenized text is held at once while a large file is read. */
    private static final int LINES_PER_CHUNK = 1 << 14;

    private final List<List<int[]>> documents;
    private final long sentenceCount;
    private final long tokenCount;

    public PretrainingCorpus(List<List<int[]>> documents) {
        this.documents = documents.stream().map(List::copyOf).toList();
        this.sentenceCount = this.documents.stream().mapToLong(List::size).sum();
        this.tokenCount = this.documents.stream().flatMap(List::stream).mapToLong(s -> s.length).sum();
    }

    /**
     * Reads and tokenizes the files in order; each file starts a new document. Sentences that
     * tokenize to nothing and documents left empty are dropped, as Google BERT does.
     */
    public static PretrainingCorpus read(List<Path> files, TextEncoder encoder) {
        if (files.isEmpty()) throw new IllegalArgumentException("no corpus files given");
        List<List<int[]>> documents = new ArrayList<>();
        for (Path file : files) readFile(file, encoder, documents);
        documents.removeIf(List::isEmpty);
        PretrainingCorpus corpus = new PretrainingCorpus(documents);
        if (corpus.tokenCount == 0) {
            String names = files.stream().map(Path::toString).collect(Collectors.joining(", "));
            throw new InputException(names + ": " + (files.size() == 1 ? "contains" : "contain") + " no text");
        }
        return corpus;
    }

    private static void readFile(Path file, TextEncoder encoder, List<List<int[]>> documents) {
        try (Utf8LineReader lines = Utf8LineReader.open(file)) {
            List<String> sentences = new ArrayList<>();
            BitSet startsDocument = new BitSet();
            boolean atDocumentStart = true;
            for (String line; (line = lines.nextLine()) != null; ) {
                if (line.isBlank()) {
                    atDocumentStart = true;
                    continue;
                }
                if (atDocumentStart) startsDocument.set(sentences.size());
                atDocumentStart = false;
                sentences.add(line);
                if (sentences.size() == LINES_PER_CHUNK) {
                    appendTokenized(sentences, startsDocument, encoder, documents);
                    sentences.clear();
                    startsDocument.clear();
                }
            }
            appendTokenized(sentences, startsDocument, encoder, documents);
        }
    }

    private static void appendTokenized(List<String> sentences, BitSet startsDocument, TextEncoder encoder,
            List<List<int[]>> documents) {
        List<int[]> tokenized = sentences.parallelStream().map(encoder::tokenIds).toList(); // toList keeps line order
        for (int i = 0; i < tokenized.size(); i++) {
            if (startsDocument.get(i)) documents.add(new ArrayList<>());
            if (tokenized.get(i).length > 0) documents.getLast().add(tokenized.get(i));
        }
    }

    /** Documents in file order; each is a list of tokenized sentences. */
    public List<List<int[]>> documents() {
        return documents;
    }

    public int documentCount() {
        return documents.size();
    }

    public long sentenceCount() {
        return sentenceCount;
    }

    public long tokenCount() {
        return tokenCount;
    }

    /** For logs: "N documents, N sentences, N tokens". */
    public String summary() {
        return documentCount() + " documents, " + sentenceCount + " sentences, " + tokenCount + " tokens";
    }
}
