package org.nezha.core.data;

import java.util.List;

/**
 * A masked-LM batch: the padded inputs, the masked positions as flat indices into the
 * batchSize × seqLen grid (row × seqLen + column, rows in order, columns ascending), the
 * original token at each, and what each masked token's loss weighs: processes / masked tokens in
 * the global batch (for one process 1 / masked tokens, the mean), or 0 for a rank's stand-in row.
 * With next-sentence prediction, each row's label and what each row's loss weighs (processes /
 * rows of the global batch); without it the labels are null.
 */
public record MlmBatch(PaddedBatch inputs, long[] maskedFlatPositions, long[] maskedLabels, double lossWeight,
        long[] nextSentenceLabels, double nextSentenceLossWeight) {

    static MlmBatch of(List<MlmInstance> instances, int padId, int padTo, double lossWeight, boolean nextSentence,
            double nextSentenceLossWeight) {
        PaddedBatch inputs = PaddedBatch.of(instances.stream().map(MlmInstance::inputIds).toList(),
                instances.stream().map(MlmInstance::tokenTypeIds).toList(), padId, padTo);
        int total = instances.stream().mapToInt(instance -> instance.maskedPositions().length).sum();
        long[] positions = new long[total];
        long[] labels = new long[total];
        int k = 0;
        for (int row = 0; row < instances.size(); row++) {
            MlmInstance instance = instances.get(row);
            for (int j = 0; j < instance.maskedPositions().length; j++, k++) {
                positions[k] = (long) row * inputs.seqLen() + instance.maskedPositions()[j];
                labels[k] = instance.maskedLabels()[j];
            }
        }
        long[] nextSentenceLabels = nextSentence
                ? instances.stream().mapToLong(MlmInstance::nextSentenceLabel).toArray() : null;
        return new MlmBatch(inputs, positions, labels, lossWeight, nextSentenceLabels, nextSentenceLossWeight);
    }
}
