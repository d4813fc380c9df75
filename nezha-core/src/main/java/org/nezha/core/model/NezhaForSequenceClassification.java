package org.nezha.core.model;

import org.bytedeco.pytorch.Tensor;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.tensor.Tensors;

/**
 * Encoder + pooler + dropout + linear classifier ({@code classifier.*}), as HF's
 * NezhaForSequenceClassification (BertForSequenceClassification, AlbertForSequenceClassification).
 */
public final class NezhaForSequenceClassification extends HeadedModel implements TaskModel, MultiSampleDropoutHead, DistributionHead,
        ChoosableLoss {
    private final SampledClassifier classifier;
    private ClassificationLoss softmaxLoss = ClassificationLoss.CROSS_ENTROPY;

    public NezhaForSequenceClassification(NezhaConfig config, AttentionBackend attention) {
        super(withTwoLabelsAtLeast(config), attention, true);
        params.create(encoder.layout().classifier());
        classifier = new SampledClassifier(encoder, config.classifierDropoutProb(), ModelLayout.CLASSIFIER);
    }

    private static NezhaConfig withTwoLabelsAtLeast(NezhaConfig config) {
        if (config.numLabels() < 2) throw new IllegalArgumentException("a classifier needs at least 2 labels, config has " + config.numLabels());
        return config;
    }

    /** Class logits [B, numLabels] ({@link #dropoutSamples} stacked in training). */
    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        return classifier.logits(encoder.pool(encoder.forward(inputIds, tokenTypeIds, attentionMask, training)), training);
    }

    @Override
    public void dropoutSamples(int samples) {
        classifier.samples(samples);
    }

    /** Over the classes of each row. */
    @Override
    public Tensor symmetricKl(Tensor a, Tensor b, Tensor targets, double weight) {
        return SymmetricKl.over(a, b, -1).sum().mul(Tensors.scalar(weight));
    }

    @Override
    public void useLoss(ClassificationLoss loss) {
        softmaxLoss = loss;
    }

    /** {@code weight} × the rows' summed cross-entropy (or chosen loss) against int64 label indices [B, 1] (weight 1 / B: the mean). */
    @Override
    public Tensor loss(Tensor logits, Tensor targets, Tensor attentionMask, double weight) {
        return softmaxLoss.weightedSum(logits, targets, weight);
    }
}
