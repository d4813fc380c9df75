package org.nezha.core.data;

/**
 * One masked-LM training sequence: [CLS] tokens [SEP] with some tokens replaced, the replaced
 * positions (ascending) and the original ids there.
 */
public record MlmInstance(int[] inputIds, int[] tokenTypeIds, int[] maskedPositions, int[] maskedLabels) {}
