package org.nezha.core.data;

/**
 * One masked-LM training sequence: [CLS] A [SEP] (B [SEP]) with some tokens replaced, the token
 * types (1 from B on), the replaced positions (ascending), the original ids there, and whether B is
 * a random text (1) or A's continuation (0), for next-sentence prediction.
 */
public record MlmInstance(int[] inputIds, int[] tokenTypeIds, int[] maskedPositions, int[] maskedLabels,
        int nextSentenceLabel) {}
