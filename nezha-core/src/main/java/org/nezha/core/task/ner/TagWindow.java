package org.nezha.core.task.ner;

/**
 * What decoding needs of one model row: the sentence's words this row predicts (those it owns among the
 * words it holds) and the input position of each one's first word piece, in word order.
 */
public record TagWindow(int[] words, int[] positions) {}
