package org.nezha.core.tokenizer;

import java.util.Arrays;

/** Model inputs for one text or pair: token ids, segment (token type) ids and attention mask, all the same length. */
public record Encoding(int[] inputIds, int[] tokenTypeIds, int[] attentionMask) {
    public Encoding {
        if (tokenTypeIds.length != inputIds.length || attentionMask.length != inputIds.length) {
            throw new IllegalArgumentException("lengths differ: ids " + inputIds.length + ", token types "
                    + tokenTypeIds.length + ", mask " + attentionMask.length);
        }
    }

    public int length() {
        return inputIds.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Encoding that
                && Arrays.equals(inputIds, that.inputIds)
                && Arrays.equals(tokenTypeIds, that.tokenTypeIds)
                && Arrays.equals(attentionMask, that.attentionMask);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(inputIds) + Arrays.hashCode(tokenTypeIds)) + Arrays.hashCode(attentionMask);
    }

    @Override
    public String toString() {
        return "Encoding[inputIds=" + Arrays.toString(inputIds) + ", tokenTypeIds=" + Arrays.toString(tokenTypeIds)
                + ", attentionMask=" + Arrays.toString(attentionMask) + "]";
    }
}
