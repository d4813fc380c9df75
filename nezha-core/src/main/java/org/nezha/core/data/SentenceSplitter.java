package org.nezha.core.data;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.nezha.core.io.AtomicFiles;

/**
 * Turns "one document per line" raw Chinese text into the sentence-per-line corpus format by
 * cutting after sentence-final punctuation.
 */
public final class SentenceSplitter {
    private static final String SENTENCE_ENDS = "。！？!?；…";
    /** Closing quotes and brackets right after an ending still belong to the sentence: 他说：“好。” */
    private static final String CLOSERS = "”’」』）)】》";

    private SentenceSplitter() {}

    /** Cuts after 。！？!?；… (a run such as "！！" or "……" stays together); pieces are stripped, empty ones dropped. */
    public static List<String> splitSentences(String line) {
        List<String> sentences = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < line.length()) {
            if (SENTENCE_ENDS.indexOf(line.charAt(i)) < 0) {
                i++;
                continue;
            }
            while (i < line.length() && SENTENCE_ENDS.indexOf(line.charAt(i)) >= 0) i++;
            while (i < line.length() && CLOSERS.indexOf(line.charAt(i)) >= 0) i++;
            addStripped(sentences, line.substring(start, i));
            start = i;
        }
        addStripped(sentences, line.substring(start));
        return sentences;
    }

    private static void addStripped(List<String> sentences, String piece) {
        String sentence = piece.strip();
        if (!sentence.isEmpty()) sentences.add(sentence);
    }

    /**
     * Writes {@code source} (one document per line, strict UTF-8) to {@code target} as one sentence
     * per line with a blank line between documents; returns the number of documents written.
     */
    public static long convertDocumentPerLine(Path source, Path target) {
        long[] documents = {0};
        AtomicFiles.writeStream(target, stream -> {
            BufferedWriter out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
            try (Utf8LineReader lines = Utf8LineReader.open(source)) {
                for (String line; (line = lines.nextLine()) != null; ) {
                    List<String> sentences = splitSentences(line);
                    if (sentences.isEmpty()) continue;
                    if (documents[0]++ > 0) out.newLine();
                    for (String sentence : sentences) {
                        out.write(sentence);
                        out.newLine();
                    }
                }
            }
            out.flush();
        });
        return documents[0];
    }
}
