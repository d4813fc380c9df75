package org.nezha.core.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nezha.core.corpus.jieba.JiebaAnalysis;

/** Word starts with our segmenter as with jieba-analysis on the runs SentenceTokenizer builds from real lines. */
class SentenceTokenizerJiebaTest {
    @Test
    void sameWordStartsAsJiebaAnalysis() throws IOException, URISyntaxException {
        List<String> lines = new ArrayList<>(SentenceTokenizerTest.TRICKY_LINES);
        lines.addAll(lines("/corpus/classical_chinese_sample.txt"));
        lines.addAll(lines("/vocab/corpus.txt")); // modern technical Chinese with Latin and digits
        assertTrue(lines.size() > 2_500);
        SentenceTokenizer ours = new SentenceTokenizer(TestVocab.TOKENIZER, WordBoundaries.JIEBA);
        SentenceTokenizer reference = new SentenceTokenizer(TestVocab.TOKENIZER, WordBoundaries.JIEBA, JiebaAnalysis::wordStarts);
        for (String line : lines) {
            assertArrayEquals(reference.tokenize(line).wordStarts(), ours.tokenize(line).wordStarts(), line);
        }
    }

    private static List<String> lines(String resource) throws IOException, URISyntaxException {
        return Files.readAllLines(Path.of(SentenceTokenizerJiebaTest.class.getResource(resource).toURI()));
    }
}
