package org.nezha.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.nezha.core.InputException;

/**
 * Packs contiguous sentences of one document into training sequences (RoBERTa's
 * FULL-DOC-SENTENCES without crossing documents). A sentence longer than a whole sequence is cut
 * into pieces. With probability shortSeqProb a sequence gets a random shorter budget in
 * [2, maxTokens], as in Google BERT, so the model also sees short inputs. Order is kept: shuffling
 * is the batcher's job.
 */
public final class SequencePacker {
    public static final double GOOGLE_SHORT_SEQ_PROB = 0.1;

    private final int maxTokens;
    private final double shortSeqProb;

    /** @param maxSeqLen the model's sequence length, [CLS] and [SEP] included */
    public SequencePacker(int maxSeqLen, double shortSeqProb) {
        if (maxSeqLen < 3) {
            throw new InputException("max sequence length must be at least 3 ([CLS], a token, [SEP]), got " + maxSeqLen);
        }
        if (!(shortSeqProb >= 0 && shortSeqProb <= 1)) {
            throw new InputException("short sequence probability must be in [0, 1], got " + shortSeqProb);
        }
        this.maxTokens = maxSeqLen - 2;
        this.shortSeqProb = shortSeqProb;
    }

    public SequencePacker(int maxSeqLen) {
        this(maxSeqLen, GOOGLE_SHORT_SEQ_PROB);
    }

    /** Most tokens a packed sequence holds: maxSeqLen minus [CLS] and [SEP]. */
    public int maxTokens() {
        return maxTokens;
    }

    /** Sequences without special tokens, in corpus order; the same seed gives the same packing. */
    public List<int[]> pack(PretrainingCorpus corpus, long seed) {
        Packing packing = new Packing(new SplittableRandom(seed));
        for (List<int[]> document : corpus.documents()) {
            for (int[] sentence : document) packing.add(sentence);
            packing.endDocument();
        }
        return packing.sequences;
    }

    private final class Packing {
        final SplittableRandom random;
        final List<int[]> sequences = new ArrayList<>();
        final int[] buffer = new int[maxTokens];
        int size;
        int target;

        Packing(SplittableRandom random) {
            this.random = random;
            this.target = drawTarget();
        }

        void add(int[] sentence) {
            int offset = 0;
            while (offset < sentence.length) {
                int rest = sentence.length - offset;
                int room = target - size;
                if (rest <= room) {
                    append(sentence, offset, rest);
                    return;
                }
                if (size > 0) {
                    emit(); // the sentence starts a fresh sequence rather than being split
                    continue;
                }
                append(sentence, offset, room); // longer than a whole sequence: cut it
                offset += room;
                emit();
            }
        }

        void endDocument() {
            if (size > 0) emit();
        }

        private void append(int[] sentence, int offset, int length) {
            System.arraycopy(sentence, offset, buffer, size, length);
            size += length;
        }

        private void emit() {
            sequences.add(Arrays.copyOf(buffer, size));
            size = 0;
            target = drawTarget();
        }

        private int drawTarget() {
            if (maxTokens < 2 || random.nextDouble() >= shortSeqProb) return maxTokens;
            return random.nextInt(2, maxTokens + 1);
        }
    }
}
