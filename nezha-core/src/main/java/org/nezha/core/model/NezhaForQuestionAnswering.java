package org.nezha.core.model;

import org.bytedeco.pytorch.Tensor;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.tensor.Tensors;

/**
 * Encoder (no pooler) + a linear layer giving each token a start and an end score ({@code qa_outputs.*},
 * [2, hidden]), as HF's NezhaForQuestionAnswering (BertForQuestionAnswering, AlbertForQuestionAnswering):
 * no dropout before it, and padding not masked out of the loss's softmax, as HF trains. Multi-sample dropout
 * (several samples only) adds its masks before {@code qa_outputs}, at the config's classifier dropout rate, as
 * the competitions' multi-sample-dropout QA heads do.
 */
public final class NezhaForQuestionAnswering extends HeadedModel implements TaskModel, DistributionHead, ChoosableLoss,
        MultiSampleDropoutHead {
    private final SampledClassifier outputs;
    /** Over the positions of the start and of the end. */
    private ClassificationLoss softmaxLoss = ClassificationLoss.CROSS_ENTROPY;

    public NezhaForQuestionAnswering(NezhaConfig config, AttentionBackend attention) {
        super(config, attention, false);
        params.create(encoder.layout().questionAnswering());
        outputs = new SampledClassifier(encoder, config.classifierDropoutProb(), ModelLayout.QA_OUTPUTS);
    }

    /** Start and end scores [B, L, 2] ({@link #dropoutSamples} stacked in training when more than one). */
    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        Tensor hidden = encoder.forward(inputIds, tokenTypeIds, attentionMask, training);
        return training && outputs.samples() > 1 ? outputs.logits(hidden, true) : encoder.linear(hidden, ModelLayout.QA_OUTPUTS);
    }

    @Override
    public void dropoutSamples(int samples) {
        outputs.samples(samples);
    }

    /** Over positions, which are not classes: class weights and focal's binary α do not apply here (the options refuse them). */
    @Override
    public void useLoss(ClassificationLoss loss) {
        softmaxLoss = loss;
    }

    /**
     * {@code weight} × Σ rows (CE(start) + CE(end)) / 2 against int64 targets [B, 2] of start and end
     * positions, as HF's (start_loss + end_loss) / 2 with weight 1 / B; a chosen loss in CE's place.
     */
    @Override
    public Tensor loss(Tensor logits, Tensor targets, Tensor attentionMask, double weight) {
        Tensor start = softmaxLoss.weightedSum(logits.select(2, 0), targets.select(1, 0), weight / 2);
        Tensor end = softmaxLoss.weightedSum(logits.select(2, 1), targets.select(1, 1), weight / 2);
        return start.add(end);
    }

    /** Over the positions of the start and of the end distribution (padding included, as the loss), averaged as the loss. */
    @Override
    public Tensor symmetricKl(Tensor a, Tensor b, Tensor targets, double weight) {
        Tensor start = SymmetricKl.over(a.select(2, 0), b.select(2, 0), 1);
        Tensor end = SymmetricKl.over(a.select(2, 1), b.select(2, 1), 1);
        return start.add(end).sum().mul(Tensors.scalar(weight / 2));
    }
}
