package org.nezha.core.vocab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nezha.core.pipeline.Progress;
import org.nezha.core.tokenizer.BertTokenizer;

class WholeTokenVocabularyTest {
    @TempDir
    Path dir;

    @Test
    void mostFrequentFirstTiesShorterThenSmallerAndRareOnesLeftOut() {
        var counts = new WordCounts(new String[] {"10", "239", "5", "77", "9", "[UNK]"}, new long[] {3, 5, 3, 1, 3, 4}, 4);
        WholeTokenVocabulary.Result r = WholeTokenVocabulary.build(counts, 8, 2, VocabJob.DEFAULT_SPECIAL_TOKENS);
        assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "239", "5", "9"), r.vocabulary());
        assertEquals(1, r.belowMinFrequency()); // 77
        assertEquals(1, r.beyondVocabSize()); // 10
    }

    @Test
    void bertTokenizerWithTheVocabularyGivesTheTokensIdsAndRareOnesUnk() throws Exception {
        Path corpus = Files.writeString(dir.resolve("corpus.txt"), """
                12 5 239 5
                5 12 8 12

                239 5 12 4711
                """);
        VocabJob.Settings s = new VocabJob.Settings();
        s.corpus = List.of(corpus);
        s.output = dir.resolve("model/vocab.txt");
        s.mode = VocabJob.Mode.WHOLE_TOKEN;
        s.vocabSize = 100;
        s.threads = 2;
        VocabJob.Result r = new VocabJob(s, Progress.SILENT).run();
        assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "5", "12", "239"), Files.readAllLines(s.output));
        assertEquals(2, r.belowMinFrequency()); // 8 and 4711
        assertEquals(0, r.notKeptWhole());
        BertTokenizer tokenizer = BertTokenizer.fromModelDir(s.output.getParent());
        assertArrayEquals(new int[] {6, 5, 7, 5, 1, 1, 7}, tokenizer.tokenIds("12 5 239 5 8 4711 239"));
        // a token that only shares a prefix with a known one is not split into known pieces
        assertArrayEquals(new int[] {1}, tokenizer.tokenIds("2391"));
    }
}
