package org.nezha.core.tokenizer;

import java.util.BitSet;
import java.util.List;

/**
 * A text's token ids with the basic-tokenizer words they came from ({@link BertTokenizer#wordTokens}).
 *
 * @param ids exactly {@link BertTokenizer#tokenIds} of the text
 * @param wordOfId for each id, the index in {@code words} of the word it is a piece of
 * @param words the basic tokenizer's words in order, special tokens included; a word that strips to
 *     nothing (a lone accent) is not one
 * @param chunkStarts the words that begin a whitespace-separated chunk of the text
 */
public record WordTokens(int[] ids, int[] wordOfId, List<String> words, BitSet chunkStarts) {}
