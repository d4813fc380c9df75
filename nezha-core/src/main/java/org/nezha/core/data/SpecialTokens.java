package org.nezha.core.data;

import java.util.Arrays;

import org.nezha.core.tokenizer.Vocab;

/** The ids of the special tokens and the vocabulary size: all the masker and batchers need to know of the vocabulary. */
public record SpecialTokens(int cls, int sep, int pad, int mask, int unk, int vocabSize) {
    public SpecialTokens {
        int[] ids = {cls, sep, pad, mask, unk};
        for (int id : ids) {
            if (id < 0 || id >= vocabSize) {
                throw new IllegalArgumentException("special token id " + id + " is outside the vocabulary of " + vocabSize);
            }
        }
        if (Arrays.stream(ids).distinct().count() != ids.length) {
            throw new IllegalArgumentException("special token ids must differ: " + Arrays.toString(ids));
        }
        if (vocabSize <= ids.length) {
            throw new IllegalArgumentException("a vocabulary of " + vocabSize + " has no ordinary tokens");
        }
    }

    /** The special tokens of {@code vocab}, which must hold all five (it fails naming the one it lacks). */
    public static SpecialTokens of(Vocab vocab) {
        return new SpecialTokens(vocab.clsId(), vocab.sepId(), vocab.padId(), vocab.maskId(), vocab.unkId(), vocab.size());
    }

    public boolean isSpecial(int id) {
        return id == cls || id == sep || id == pad || id == mask || id == unk;
    }
}
