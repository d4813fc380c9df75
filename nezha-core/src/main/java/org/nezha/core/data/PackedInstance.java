package org.nezha.core.data;

/**
 * One pretraining sequence as token ranges of the corpus: segment A is tokens [aStart, aStart +
 * aLength), segment B is [bStart, bStart + bLength) (empty when bLength is 0), and whether B is a
 * random other text rather than A's continuation (the next-sentence label).
 */
public record PackedInstance(long aStart, int aLength, long bStart, int bLength, boolean randomNext) {
    public int tokenCount() {
        return aLength + bLength;
    }
}
