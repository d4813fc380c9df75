package org.nezha.core.model;

import org.bytedeco.pytorch.Tensor;

import org.nezha.core.config.NezhaConfig;

/**
 * Encoder + pooler + dropout + linear classifier ({@code classifier.*}), as HF's
 * NezhaForSequenceClassification (BertForSequenceClassification, AlbertForSequenceClassification).
 */
public final class NezhaForSequenceClassification extends HeadedModel implements TaskModel {

    public NezhaForSequenceClassification(NezhaConfig config, AttentionBackend attention) {
        super(withTwoLabelsAtLeast(config), attention, true);
        params.create(encoder.layout().classifier());
    }

    private static NezhaConfig withTwoLabelsAtLeast(NezhaConfig config) {
        if (config.numLabels() < 2) throw new IllegalArgumentException("a classifier needs at least 2 labels, config has " + config.numLabels());
        return config;
    }

    /** Class logits [B, numLabels]. */
    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        Tensor pooled = encoder.pool(encoder.forward(inputIds, tokenTypeIds, attentionMask, training));
        return encoder.linear(NezhaEncoder.dropout(pooled, config().classifierDropoutProb(), training), ModelLayout.CLASSIFIER);
    }

    /** {@code weight} × the rows' summed cross-entropy against int64 label indices [B, 1] (weight 1 / B: the mean). */
    @Override
    public Tensor loss(Tensor logits, Tensor targets, Tensor attentionMask, double weight) {
        return CrossEntropy.weightedSum(logits, targets.reshape(-1), weight);
    }
}
