package org.nezha.core.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import org.nezha.core.config.NezhaConfig;

/**
 * Encoder + MLM head ({@code cls.predictions.*}; ALBERT: {@code predictions.*}), the decoder tied to
 * the word embeddings as in HF's NezhaForMaskedLM (BertForMaskedLM, AlbertForMaskedLM), which has no
 * pooler; with next-sentence prediction also the pooler and HF's {@code cls.seq_relationship.*} head
 * (ALBERT: its sentence-order head {@code sop_classifier.classifier.*}), the layout of HF's
 * NezhaForPreTraining (BertForPreTraining, AlbertForPreTraining).
 */
public final class NezhaForMaskedLM extends HeadedModel {
    private final boolean nextSentence;

    public NezhaForMaskedLM(NezhaConfig config, AttentionBackend attention) {
        this(config, attention, false);
    }

    /** @param nextSentence whether to add the pooler and the next-sentence head */
    public NezhaForMaskedLM(NezhaConfig config, AttentionBackend attention, boolean nextSentence) {
        super(config, attention, nextSentence);
        this.nextSentence = nextSentence;
        params.create(encoder.layout().maskedLmHead());
        if (nextSentence) params.create(encoder.layout().nextSentenceHead());
    }

    /** Whether the model has the next-sentence head: HF's NezhaForPreTraining rather than NezhaForMaskedLM. */
    public boolean predictsNextSentence() {
        return nextSentence;
    }

    /**
     * Vocabulary logits at the given positions only (the softmax over 21k words is the costly part,
     * and only masked positions need it).
     *
     * @param flatPositions int64 [N] indices into the flattened [B·L] positions
     * @return [N, vocab]
     */
    public Tensor logitsAt(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, Tensor flatPositions,
            boolean training) {
        return logitsAt(encoder.forward(inputIds, tokenTypeIds, attentionMask, training), flatPositions);
    }

    private Tensor logitsAt(Tensor hidden, Tensor flatPositions) {
        ModelLayout layout = encoder.layout();
        Tensor picked = torch.index_select(hidden.reshape(-1, hidden.size(-1)), 0, flatPositions);
        Tensor transformed = encoder.layerNorm(
                Activations.apply(config().hiddenAct(), encoder.linear(picked, layout.maskedLmTransform())),
                layout.maskedLmNorm());
        return torch.linear(transformed, params.get(layout.wordEmbeddings()), new TensorOptional(params.get(layout.maskedLmBias())));
    }

    /** Mean cross-entropy of the masked tokens. */
    public Tensor loss(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, Tensor flatPositions,
            Tensor labels, boolean training) {
        return loss(inputIds, tokenTypeIds, attentionMask, flatPositions, labels, 1.0 / labels.size(0), training);
    }

    /** {@code weight} × the masked tokens' summed cross-entropy (weight 1 / masked tokens: the mean). */
    public Tensor loss(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, Tensor flatPositions,
            Tensor labels, double weight, boolean training) {
        Tensor logits = logitsAt(inputIds, tokenTypeIds, attentionMask, flatPositions, training);
        return CrossEntropy.weightedSum(logits, labels, weight);
    }

    /**
     * The masked-LM loss as {@link #loss} gives it plus {@code nextSentenceWeight} × the rows' summed
     * next-sentence cross-entropy against int64 labels [B] (1: B is a random text), as Google's
     * pretraining adds the two.
     */
    public Tensor lossWithNextSentence(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, Tensor flatPositions,
            Tensor labels, double weight, Tensor nextSentenceLabels, double nextSentenceWeight, boolean training) {
        if (!nextSentence) throw new IllegalStateException("this model was built without the next-sentence head");
        Tensor hidden = encoder.forward(inputIds, tokenTypeIds, attentionMask, training);
        Tensor maskedLm = CrossEntropy.weightedSum(logitsAt(hidden, flatPositions), labels, weight);
        ModelLayout layout = encoder.layout();
        Tensor pooled = NezhaEncoder.dropout(encoder.pool(hidden), layout.nextSentenceDropout(), training);
        Tensor nextLogits = encoder.linear(pooled, layout.nextSentence());
        return maskedLm.add(CrossEntropy.weightedSum(nextLogits, nextSentenceLabels, nextSentenceWeight));
    }
}
