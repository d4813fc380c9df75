package org.nezha.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.nezha.core.InputException;

class SequencePackerTest {
    private static int[] tokens(int from, int count) {
        return IntStream.range(from, from + count).toArray();
    }

    private static PretrainingCorpus randomCorpus(long seed, int documents) {
        SplittableRandom random = new SplittableRandom(seed);
        List<List<int[]>> docs = new ArrayList<>();
        int next = 0;
        for (int d = 0; d < documents; d++) {
            List<int[]> doc = new ArrayList<>();
            for (int s = random.nextInt(1, 12); s > 0; s--) {
                int length = random.nextInt(10) == 0 ? random.nextInt(100, 400) : random.nextInt(1, 40);
                doc.add(tokens(next, length));
                next += length;
            }
            docs.add(doc);
        }
        return new PretrainingCorpus(docs);
    }

    @Test
    void packsWholeSentencesUntilTheNextWouldOverflow() {
        PretrainingCorpus corpus = new PretrainingCorpus(List.of(
                List.of(tokens(0, 3), tokens(3, 3), tokens(6, 3)),
                List.of(tokens(100, 2))));
        List<int[]> packed = new SequencePacker(9, 0).pack(corpus, 1); // 7 tokens per sequence
        assertEquals(3, packed.size());
        assertArrayEquals(tokens(0, 6), packed.get(0));
        assertArrayEquals(tokens(6, 3), packed.get(1));
        assertArrayEquals(tokens(100, 2), packed.get(2)); // a new document starts a new sequence
    }

    @Test
    void cutsASentenceLongerThanASequenceAndFillsOnAfterIt() {
        PretrainingCorpus corpus = new PretrainingCorpus(List.of(List.of(tokens(0, 20), tokens(20, 1), tokens(21, 5))));
        List<int[]> packed = new SequencePacker(9, 0).pack(corpus, 1);
        assertEquals(4, packed.size());
        assertArrayEquals(tokens(0, 7), packed.get(0));
        assertArrayEquals(tokens(7, 7), packed.get(1));
        assertArrayEquals(tokens(14, 7), packed.get(2)); // the last 6 of the long sentence + the 1-token one
        assertArrayEquals(tokens(21, 5), packed.get(3));
    }

    @Test
    void neverExceedsTheLengthNorCrossesDocumentsAndLosesNothing() {
        PretrainingCorpus corpus = randomCorpus(7, 300);
        int maxSeqLen = 64;
        List<int[]> packed = new SequencePacker(maxSeqLen).pack(corpus, 42);
        int sequence = 0;
        for (List<int[]> doc : corpus.documents()) {
            int[] docTokens = doc.stream().flatMapToInt(IntStream::of).toArray();
            int offset = 0;
            while (offset < docTokens.length) { // each sequence is the next slice of this same document
                int[] seq = packed.get(sequence++);
                assertTrue(seq.length >= 1 && seq.length <= maxSeqLen - 2, "length " + seq.length);
                assertTrue(offset + seq.length <= docTokens.length, "sequence crosses a document end");
                for (int i = 0; i < seq.length; i++) assertEquals(docTokens[offset + i], seq[i]);
                offset += seq.length;
            }
        }
        assertEquals(packed.size(), sequence);
    }

    @Test
    void shortSequenceProbabilityMakesSomeSequencesShort() {
        PretrainingCorpus corpus = new PretrainingCorpus(List.of(List.of(tokens(0, 100_000))));
        List<int[]> always = new SequencePacker(130, 0).pack(corpus, 3);
        assertTrue(always.subList(0, always.size() - 1).stream().allMatch(s -> s.length == 128));
        List<int[]> sometimes = new SequencePacker(130).pack(corpus, 3);
        long shorter = sometimes.subList(0, sometimes.size() - 1).stream().filter(s -> s.length < 128).count();
        double share = (double) shorter / (sometimes.size() - 1);
        assertTrue(share > 0.05 && share < 0.15, "share of short sequences " + share);
        assertTrue(sometimes.stream().allMatch(s -> s.length >= 2 || s == sometimes.getLast()));
    }

    @Test
    void sameSeedSamePackingOtherSeedDifferent() {
        PretrainingCorpus corpus = randomCorpus(9, 200);
        SequencePacker packer = new SequencePacker(64);
        List<int[]> first = packer.pack(corpus, 5);
        List<int[]> again = packer.pack(corpus, 5);
        List<int[]> other = packer.pack(corpus, 6);
        assertEquals(first.size(), again.size());
        for (int i = 0; i < first.size(); i++) assertArrayEquals(first.get(i), again.get(i));
        boolean differs = first.size() != other.size()
                || IntStream.range(0, first.size()).anyMatch(i -> first.get(i).length != other.get(i).length);
        assertTrue(differs);
    }

    @Test
    void rejectsTooShortMaxLength() {
        assertEquals("max sequence length must be at least 3 ([CLS], a token, [SEP]), got 2",
                assertThrows(InputException.class, () -> new SequencePacker(2)).getMessage());
        assertFalse(new SequencePacker(3).pack(new PretrainingCorpus(List.of(List.of(tokens(0, 5)))), 0).isEmpty());
    }
}
