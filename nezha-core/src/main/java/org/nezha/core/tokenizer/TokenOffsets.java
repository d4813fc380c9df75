package org.nezha.core.tokenizer;

/**
 * A text's token ids with the characters each stands for ({@link BertTokenizer#tokenOffsets}).
 *
 * @param ids exactly {@link BertTokenizer#tokenIds} of the text
 * @param starts for each id, the UTF-16 index in the text where its characters begin
 * @param ends for each id, the UTF-16 index just after its characters: {@code text.substring(starts[i],
 *     ends[i])} are the original characters, case and accents as written
 */
public record TokenOffsets(int[] ids, int[] starts, int[] ends) {}
