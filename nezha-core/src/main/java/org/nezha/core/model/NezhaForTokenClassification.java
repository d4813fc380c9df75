package org.nezha.core.model;

import java.util.Arrays;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.tensor.Tensors;

/**
 * Encoder (no pooler) + dropout + a linear classifier over each token ({@code classifier.*}, [num_labels,
 * hidden]), as HF's NezhaForTokenClassification (BertFor…, AlbertFor…), so HF loads the directory. With
 * {@code use_crf} in the config, a linear-chain CRF over the tags ({@code crf.transitions} [T, T] from → to,
 * {@code crf.start_transitions} and {@code crf.end_transitions} [T], pytorch-crf's names) takes the loss;
 * HF's class ignores those weights. The logits are the per-token tag scores either way (the CRF's
 * emissions); decoding, which applies the transitions, is the task's.
 */
public final class NezhaForTokenClassification extends HeadedModel implements TaskModel, MultiSampleDropoutHead, DistributionHead,
        ChoosableLoss {
    private static final String START = ModelLayout.CRF + ".start_transitions";
    private static final String END = ModelLayout.CRF + ".end_transitions";
    private static final String TRANSITIONS = ModelLayout.CRF + ".transitions";
    private final SampledClassifier classifier;
    /** Over each scored token's tags, without a CRF. */
    private ClassificationLoss softmaxLoss = ClassificationLoss.CROSS_ENTROPY;

    public NezhaForTokenClassification(NezhaConfig config, AttentionBackend attention) {
        super(config, attention, false);
        params.create(encoder.layout().classifier());
        if (config.useCrf()) params.create(encoder.layout().crf());
        classifier = new SampledClassifier(encoder, config.classifierDropoutProb(), ModelLayout.CLASSIFIER);
    }

    public boolean hasCrf() {
        return config().useCrf();
    }

    /** Tag scores [B, L, num_labels] ({@link #dropoutSamples} stacked in training). */
    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        return classifier.logits(encoder.forward(inputIds, tokenTypeIds, attentionMask, training), training);
    }

    @Override
    public void dropoutSamples(int samples) {
        classifier.samples(samples);
    }

    /** Over the tags of each scored token (a row's mean, as its loss); with a CRF, of its emission scores. */
    @Override
    public Tensor symmetricKl(Tensor a, Tensor b, Tensor targets, double weight) {
        long width = targets.size(1);
        Tensor perToken = SymmetricKl.over(a.narrow(1, 0, width), b.narrow(1, 0, width), -1);
        Tensor scored = targets.ne(Tensors.integer(IGNORED)).to(ScalarType.Float);
        return CrossEntropy.weightedMeans(perToken.mul(scored).sum(1), CrossEntropy.scoredCounts(targets), weight);
    }

    /** Without a CRF only: a CRF's loss is its chain's likelihood, not a softmax over each token's tags. */
    @Override
    public void useLoss(ClassificationLoss loss) {
        if (hasCrf()) throw new IllegalArgumentException("a CRF head trains by its tag chain's likelihood, not a per-token softmax");
        softmaxLoss = loss;
    }

    /**
     * {@code weight} × Σ over rows of the row's loss per scored token: without a CRF its mean cross-entropy (or chosen loss),
     * with one its chain's negative log-likelihood divided by the chain's length (so a row weighs the same
     * under both heads, and long rows do not dominate a batch). Targets [B, K ≤ L]; in float32.
     */
    @Override
    public Tensor loss(Tensor logits, Tensor targets, Tensor attentionMask, double weight) {
        Tensor scores = logits.narrow(1, 0, targets.size(1)).to(ScalarType.Float);
        if (!hasCrf()) return softmaxLoss.weightedPositionMeans(scores, targets, weight);
        Tensor perRow = LinearChainCrf.negativeLogLikelihood(scores, targets, params.get(START), params.get(END),
                params.get(TRANSITIONS));
        return CrossEntropy.weightedMeans(perRow, CrossEntropy.scoredCounts(targets), weight);
    }

    /** The CRF's current parameters for decoding, or null without a CRF. */
    public CrfScores crfScores() {
        if (!hasCrf()) return null;
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            int tags = config().numLabels();
            double[] flat = Tensors.toDoubles(params.get(TRANSITIONS));
            double[][] transitions = new double[tags][];
            for (int from = 0; from < tags; from++) transitions[from] = Arrays.copyOfRange(flat, from * tags, (from + 1) * tags);
            return new CrfScores(Tensors.toDoubles(params.get(START)), Tensors.toDoubles(params.get(END)), transitions);
        }
    }
}
