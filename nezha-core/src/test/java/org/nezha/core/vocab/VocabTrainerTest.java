package org.nezha.core.vocab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nezha.core.InputException;
import org.nezha.core.pipeline.Progress;
import org.nezha.core.tokenizer.BasicWords;
import org.nezha.core.tokenizer.TokenizerOptions;

/**
 * The WordPiece trainer against vocabularies that HF's {@code BertWordPieceTokenizer.train} learned
 * from {@code vocab/corpus.txt} (tests/fixtures-gen/vocab). HF breaks two kinds of ties by hash-map
 * order, differently on every run: which equally rare characters the alphabet limit drops, and the
 * ids of the "##c" pieces, which then decide ties between merges. Replaying the fixture's choices
 * must give its vocabulary token for token; our own choices (by code point) must be ones HF can make.
 */
class VocabTrainerTest {
    private static final int SPECIALS = VocabJob.DEFAULT_SPECIAL_TOKENS.size();

    @ParameterizedTest
    @CsvSource({"hf_v800_min1_alpha300_lower.txt, 800, 1, 300, true",
            "hf_v2000_min2_lower.txt, 2000, 2, 1000, true",
            "hf_v3000_min3_cased.txt, 3000, 3, 1000, false"})
    void replayingHfTiebreaksGivesHfVocabularyTokenForToken(String fixture, int vocabSize, long minFrequency,
            int limitAlphabet, boolean lowercase) throws Exception {
        List<String> expected = Files.readAllLines(resource(fixture));
        List<String> actual = WordPieceTrainer.train(settings(vocabSize, minFrequency, limitAlphabet), replay(expected),
                count(lowercase, 1), Progress.SILENT).vocabulary();
        assertSameTokens(expected, actual);
    }

    @ParameterizedTest
    @CsvSource({"hf_v800_min1_alpha300_lower.txt, 800, 1, 300, true",
            "hf_v2000_min2_lower.txt, 2000, 2, 1000, true",
            "hf_v3000_min3_cased.txt, 3000, 3, 1000, false"})
    void ownTiebreaksKeepAnAlphabetHfCanKeep(String fixture, int vocabSize, long minFrequency, int limitAlphabet,
            boolean lowercase) throws Exception {
        List<String> expected = Files.readAllLines(resource(fixture));
        WordCounts counts = count(lowercase, 1);
        WordPieceTrainer.Result result = WordPieceTrainer.train(settings(vocabSize, minFrequency, limitAlphabet), counts, Progress.SILENT);
        List<String> actual = result.vocabulary();
        assertEquals(expected.subList(0, SPECIALS), actual.subList(0, SPECIALS));
        Set<Integer> hfAlphabet = alphabet(expected);
        Set<Integer> ownAlphabet = alphabet(actual);
        assertEquals(hfAlphabet.size(), ownAlphabet.size());
        assertEquals(result.alphabetSize(), ownAlphabet.size());
        // where they differ, both keep characters of the one count at the limit
        Map<Integer, Long> frequency = characterCounts(counts);
        long limitCount = hfAlphabet.stream().mapToLong(frequency::get).min().orElseThrow();
        for (int cp : frequency.keySet()) {
            if (hfAlphabet.contains(cp) != ownAlphabet.contains(cp)) {
                assertEquals(limitCount, frequency.get(cp), () -> "character " + Character.toString(cp));
            }
        }
    }

    @Test
    void countingOnSeveralThreadsLearnsTheSameVocabulary() throws Exception {
        var settings = settings(800, 1, 300);
        List<String> one = WordPieceTrainer.train(settings, count(true, 1), Progress.SILENT).vocabulary();
        List<String> three = WordPieceTrainer.train(settings, count(true, 3), Progress.SILENT).vocabulary();
        assertEquals(one, three);
    }

    @Test
    void tooSmallVocabularySaysHowManyTokensTheAlphabetNeeds() throws Exception {
        WordCounts counts = count(true, 1);
        InputException e = assertThrows(InputException.class,
                () -> WordPieceTrainer.train(settings(300, 1, 300), counts, Progress.SILENT));
        assertTrue(e.getMessage().matches("--vocab-size 300 is too small for this corpus: the 5 special tokens, "
                + "the 300-character alphabet and its \\d+ continuation pieces \\(##x\\) need \\d+"), e.getMessage());
    }

    @Test
    void mergesTheMostFrequentPairFirstAndTiesToTheSmallerIds() {
        // "ab" x3 and "cd" x3 tie; a < c in the alphabet, so "ab" is merged first; then "abab" → ab ##ab
        var counts = new WordCounts(new String[] {"ab", "abab", "cd"}, new long[] {2, 1, 3}, 3);
        List<String> vocabulary = WordPieceTrainer.train(new WordPieceTrainer.Settings(14, 1, 1000, List.of("[UNK]")), counts,
                Progress.SILENT).vocabulary();
        assertEquals(List.of("[UNK]", "a", "b", "c", "d", "##a", "##b", "##d", "ab", "cd", "##ab", "abab"), vocabulary);
    }

    static WordCounts count(boolean lowercase, int threads) {
        BasicWords words = new BasicWords(new TokenizerOptions(lowercase, null, true));
        return new CorpusWordCounter(words::split, threads, 4096).count(List.of(resource("corpus.txt")), Progress.SILENT);
    }

    private static WordPieceTrainer.Settings settings(int vocabSize, long minFrequency, int limitAlphabet) {
        return new WordPieceTrainer.Settings(vocabSize, minFrequency, limitAlphabet, VocabJob.DEFAULT_SPECIAL_TOKENS);
    }

    /** HF's choices read back from its vocabulary: the alphabet it kept and the order of its "##c" pieces. */
    private static WordPieceTrainer.Tiebreaks replay(List<String> hfVocabulary) {
        Set<Integer> kept = alphabet(hfVocabulary);
        Map<Integer, Integer> continuationIds = new HashMap<>();
        for (int id = 0; id < hfVocabulary.size(); id++) {
            String token = hfVocabulary.get(id);
            if (token.startsWith("##") && token.codePointCount(0, token.length()) == 3) continuationIds.putIfAbsent(token.codePointAt(2), id);
        }
        return new WordPieceTrainer.Tiebreaks() {
            @Override
            public Comparator<Integer> alphabetKeepOrder() {
                return Comparator.<Integer, Boolean>comparing(cp -> !kept.contains(cp)).thenComparing(Comparator.naturalOrder());
            }

            @Override
            public Comparator<Integer> continuationOrder() {
                return Comparator.<Integer>comparingInt(cp -> continuationIds.getOrDefault(cp, Integer.MAX_VALUE))
                        .thenComparing(Comparator.naturalOrder());
            }
        };
    }

    /** The single characters right after the special tokens. */
    private static Set<Integer> alphabet(List<String> vocabulary) {
        Set<Integer> alphabet = new HashSet<>();
        for (String token : vocabulary.subList(SPECIALS, vocabulary.size())) {
            if (token.codePointCount(0, token.length()) != 1) break;
            alphabet.add(token.codePointAt(0));
        }
        return alphabet;
    }

    private static Map<Integer, Long> characterCounts(WordCounts counts) {
        Map<Integer, Long> frequency = new HashMap<>();
        for (int w = 0; w < counts.words().length; w++) {
            long count = counts.counts()[w];
            counts.words()[w].codePoints().forEach(cp -> frequency.merge(cp, count, Long::sum));
        }
        return frequency;
    }

    private static void assertSameTokens(List<String> expected, List<String> actual) {
        for (int id = 0; id < Math.min(expected.size(), actual.size()); id++) {
            if (!expected.get(id).equals(actual.get(id))) {
                fail("first difference at id " + id + ": expected " + expected.get(id) + ", got " + actual.get(id)
                        + " (context " + expected.subList(Math.max(0, id - 3), Math.min(expected.size(), id + 3)) + " vs "
                        + actual.subList(Math.max(0, id - 3), Math.min(actual.size(), id + 3)) + ")");
            }
        }
        assertEquals(expected.size(), actual.size(), "vocabulary size");
    }

    static Path resource(String name) {
        try {
            return Path.of(VocabTrainerTest.class.getResource("/vocab/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
