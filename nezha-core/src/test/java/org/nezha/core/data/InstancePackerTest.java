package org.nezha.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import org.nezha.core.InputException;
import org.nezha.core.corpus.InMemoryCorpus;
import org.nezha.core.corpus.TokenCorpus;
import org.nezha.core.corpus.TokenizedSentence;

class InstancePackerTest {
    /** Documents of 1–12 sentences of 1–40 tokens; token ids count up, so a token's id is its corpus index + 5. */
    private static TokenCorpus randomCorpus(long seed, int documents) {
        SplittableRandom random = new SplittableRandom(seed);
        InMemoryCorpus.Builder builder = new InMemoryCorpus.Builder();
        int next = 5;
        for (int d = 0; d < documents; d++) {
            for (int s = random.nextInt(1, 13); s > 0; s--) {
                int length = random.nextInt(1, 41);
                int first = next;
                builder.add(new TokenizedSentence(IntStream.range(first, first + length).toArray(), new boolean[length]));
                next += length;
            }
            builder.endDocument();
        }
        return builder.build();
    }

    private static List<PackedInstance> pack(TokenCorpus corpus, int seqLen, double shortSeqProb, boolean nsp, long seed) {
        List<PackedInstance> out = new ArrayList<>();
        new InstancePacker(corpus, seqLen, shortSeqProb, nsp).packAll(seed, out::add);
        return out;
    }

    private static long documentOf(TokenCorpus corpus, long token) {
        long d = 0;
        while (corpus.firstToken(corpus.firstSentence(d + 1)) <= token) d++;
        return d;
    }

    private static boolean startsSentence(TokenCorpus corpus, long token) {
        for (long s = 0; s <= corpus.sentenceCount(); s++) {
            if (corpus.firstToken(s) == token) return true;
        }
        return false;
    }

    /**
     * Without next-sentence prediction, A and B are consecutive text of one document, in corpus order,
     * never overlapping. As in Google's script a chunk grows until it reaches the target, so its last
     * sentence may pass it and the pair is trimmed at random ends: a few tokens are lost.
     */
    @Test
    void withoutNspInstancesFollowEachDocument() {
        TokenCorpus corpus = randomCorpus(1, 200);
        List<PackedInstance> instances = pack(corpus, 64, 0, false, 7);
        long covered = 0;
        long previousEnd = 0;
        for (PackedInstance p : instances) {
            assertTrue(p.aLength() >= 1);
            assertTrue(p.tokenCount() <= 61, "fits [CLS] A [SEP] B [SEP] in 64");
            assertFalse(p.randomNext());
            assertTrue(p.aStart() >= previousEnd, "in order, no overlap");
            long aEnd = p.aStart() + p.aLength();
            if (p.bLength() > 0) {
                assertTrue(p.bStart() >= aEnd, "B follows A");
                assertEquals(documentOf(corpus, p.aStart()), documentOf(corpus, p.bStart() + p.bLength() - 1), "one document");
            }
            previousEnd = p.bLength() > 0 ? p.bStart() + p.bLength() : aEnd;
            covered += p.tokenCount();
        }
        assertTrue(covered > 0.85 * corpus.tokenCount(), covered + " of " + corpus.tokenCount() + " tokens");
    }

    /** With room for whole sentences, nothing is trimmed: A starts and ends at sentence boundaries and B continues it. */
    @Test
    void instancesCutAtSentenceBoundariesWhenNothingIsTrimmed() {
        TokenCorpus corpus = randomCorpus(3, 100);
        for (PackedInstance p : pack(corpus, 512, 0, false, 7)) {
            assertTrue(startsSentence(corpus, p.aStart()));
            assertTrue(startsSentence(corpus, p.aStart() + p.aLength()));
            if (p.bLength() > 0) assertEquals(p.aStart() + p.aLength(), p.bStart());
        }
    }

    /** Google's NSP: half of the multi-sentence chunks get a random B from another document; A and B always fit. */
    @Test
    void nextSentencePredictionDrawsRandomTextFromOtherDocuments() {
        TokenCorpus corpus = randomCorpus(2, 300);
        List<PackedInstance> instances = pack(corpus, 64, 0.1, true, 3);
        int random = 0;
        for (PackedInstance p : instances) {
            assertTrue(p.aLength() >= 1 && p.bLength() >= 1, "two segments, as Google asserts");
            assertTrue(p.tokenCount() <= 61);
            long documentA = documentOf(corpus, p.aStart());
            if (p.randomNext()) {
                random++;
                assertNotEquals(documentA, documentOf(corpus, p.bStart()), "a random B comes from another document");
            } else {
                assertTrue(p.bStart() >= p.aStart() + p.aLength());
                assertEquals(documentA, documentOf(corpus, p.bStart()));
            }
            assertEquals(documentOf(corpus, p.bStart()), documentOf(corpus, p.bStart() + p.bLength() - 1), "B stays in one document");
        }
        double share = (double) random / instances.size();
        assertTrue(share > 0.45 && share < 0.7, "random B share " + share); // one-sentence chunks are always random
    }

    @Test
    void shortSequencesFollowShortSeqProb() {
        TokenCorpus corpus = randomCorpus(4, 400);
        double full = pack(corpus, 64, 0, false, 1).stream().mapToInt(PackedInstance::tokenCount).average().orElseThrow();
        double shortened = pack(corpus, 64, 1, false, 1).stream().mapToInt(PackedInstance::tokenCount).average().orElseThrow();
        assertTrue(shortened < 0.75 * full, full + " vs " + shortened);
    }

    @Test
    void sameSeedSamePackingOtherSeedDifferent() {
        TokenCorpus corpus = randomCorpus(5, 100);
        assertEquals(pack(corpus, 48, 0.1, true, 9), pack(corpus, 48, 0.1, true, 9));
        assertNotEquals(pack(corpus, 48, 0.1, true, 9), pack(corpus, 48, 0.1, true, 10));
    }

    @Test
    void aSentenceLongerThanTheBudgetIsTruncated() {
        InMemoryCorpus.Builder builder = new InMemoryCorpus.Builder();
        builder.add(new TokenizedSentence(IntStream.range(5, 105).toArray(), new boolean[100]));
        TokenCorpus corpus = builder.build();
        List<PackedInstance> instances = pack(corpus, 20, 0, false, 1);
        assertEquals(1, instances.size());
        assertEquals(17, instances.getFirst().aLength());
        assertEquals(0, instances.getFirst().bLength());
    }

    @Test
    void aSequenceMustHoldTwoSegments() {
        TokenCorpus corpus = randomCorpus(6, 2);
        assertEquals("--seq-len must be at least 5 ([CLS] A [SEP] B [SEP] with a token in each), got 4",
                assertThrows(InputException.class, () -> new InstancePacker(corpus, 4, 0, false)).getMessage());
        assertThrows(InputException.class, () -> new InstancePacker(corpus, 64, 1.5, false));
    }

    /** The table gives back what the packer made, from heap memory and from a mapped file alike. */
    @Test
    void instanceTableRoundTrip(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        TokenCorpus corpus = randomCorpus(7, 50);
        InstancePacker packer = new InstancePacker(corpus, 40, 0.1, true);
        List<PackedInstance> expected = pack(corpus, 40, 0.1, true, 2);
        try (InstanceTable memory = InstanceTable.inMemory(packer, 2);
                InstanceTable file = InstanceTable.inFile(packer, 2, dir.resolve("instances.bin"))) {
            assertEquals(expected.size(), memory.size());
            assertEquals(expected.size(), file.size());
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i), memory.get(i));
                assertEquals(expected.get(i), file.get(i));
            }
            assertEquals(expected.stream().mapToLong(PackedInstance::tokenCount).sum(),
                    IntStream.range(0, file.size()).mapToLong(i -> file.get(i).tokenCount()).sum());
        }
    }
}
