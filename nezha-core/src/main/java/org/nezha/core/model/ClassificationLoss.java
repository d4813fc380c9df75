package org.nezha.core.model;

import java.util.List;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.tensor.Tensors;

/**
 * A softmax head's loss, plain cross-entropy ({@link #CROSS_ENTROPY}) or what {@code --loss} and
 * {@code --class-weights} choose ({@link ChoosableLoss}): over the classes of a sequence classifier's rows, the
 * tags of a tagger's tokens or the positions of a span extractor's start and end. {@link #perRow} gives each row's loss (a row: an example, a token, a start or an end) and the
 * heads reduce them as {@link TaskModel#loss} wants: a weighted sum, so data-parallel ranks still add up to
 * the global batch's mean. Per row with gold class y, p the softmax of the logits:
 * <ul>
 *   <li>{@code ce}: {@code w_y · −log p_y} (torch's cross_entropy with {@code weight}, reduction none);</li>
 *   <li>{@code label-smoothing} ε: torch's cross_entropy with {@code label_smoothing=ε}:
 *       {@code (1 − ε)·w_y·(−log p_y) + ε/C · Σ_c w_c·(−log p_c)};</li>
 *   <li>{@code focal} γ, α (Lin et al. 2017): {@code −α_t · (1 − p_y)^γ · log p_y · w_y}; α_t is α for the
 *       second label (index 1, the positive class of a binary task) and 1 − α for the first, as Lin et al.'s
 *       binary α; without α, α_t = 1 (α needs exactly two labels);</li>
 *   <li>{@code dice}: the soft dice loss of one example in Li et al. 2020 ("Dice Loss for Data-imbalanced NLP
 *       Tasks", the DSC of x_i without the self-adjusting factor, α = 0) on its gold class, smoothed by γ = 1:
 *       {@code w_y · (1 − (2·p_y + γ) / (p_y + 1 + γ))}. Per example rather than over the batch, so rows add
 *       up as data parallelism needs.</li>
 * </ul>
 * Class weights w (all 1 without them) scale rows; the sum is not renormalised by Σ w_y (torch's weighted mean
 * is), so a batch's loss is the mean over its rows of the weighted losses, the same on any number of processes.
 * A row whose gold is {@link TaskModel#IGNORED} (a tagger's padding and non-first sub-tokens) has loss 0.
 */
public final class ClassificationLoss {
    public static final List<String> NAMES = List.of("ce", "focal", "dice", "label-smoothing");
    /** Plain cross-entropy, the softmax heads' loss unless {@code --loss} or {@code --class-weights} chooses another. */
    public static final ClassificationLoss CROSS_ENTROPY = new ClassificationLoss("ce", 0, null, 0, null);
    /** Li et al.'s smoothing γ, which keeps a row's dice finite and its gradient alive at p_y = 0. */
    static final double DICE_SMOOTHING = 1.0;
    private static final double FOCAL_FLOOR = 1e-12;

    private final String name;
    private final double focalGamma, labelSmoothing;
    private final Double focalAlpha;
    private final float[] classWeights;

    /**
     * @param name one of {@link #NAMES}; {@code focalAlpha} null: none; {@code classWeights} one per label in
     *     label order, or null for all 1
     */
    public ClassificationLoss(String name, double focalGamma, Double focalAlpha, double labelSmoothing, float[] classWeights) {
        if (!NAMES.contains(name)) throw new IllegalArgumentException("unknown loss " + name);
        this.name = name;
        this.focalGamma = focalGamma;
        this.focalAlpha = focalAlpha;
        this.labelSmoothing = labelSmoothing;
        this.classWeights = classWeights == null ? null : classWeights.clone();
    }

    /** {@code weight} × the summed loss of the rows of {@code logits} [B, C] against int64 labels [B] or [B, 1], in float32. */
    public Tensor weightedSum(Tensor logits, Tensor labels, double weight) {
        return perRow(logits, labels.reshape(-1)).sum().mul(Tensors.scalar(weight));
    }

    /**
     * {@code weight} × the sum over the B rows of each row's mean loss over its scored positions (targets other
     * than {@link TaskModel#IGNORED}): logits [B, L, C], int64 targets [B, L]; a tagger's loss, in float32.
     */
    public Tensor weightedPositionMeans(Tensor logits, Tensor targets, double weight) {
        long rows = logits.size(0), length = logits.size(1);
        Tensor perPosition = perRow(logits.reshape(rows * length, logits.size(2)), targets.reshape(rows * length)).view(rows, length);
        return CrossEntropy.weightedMeans(perPosition.sum(1), CrossEntropy.scoredCounts(targets), weight);
    }

    /** The loss of each row of {@code logits} [N, C] against int64 {@code gold} [N], float32 [N]; 0 where gold is ignored. */
    Tensor perRow(Tensor logits, Tensor gold) {
        Tensor scores = logits.to(ScalarType.Float); // float32 whatever precision autocast gave the logits
        Tensor weights = classWeights == null ? null : Tensors.floats(classWeights, classWeights.length).to(scores); // its device
        if (name.equals("ce") || name.equals("label-smoothing")) {
            return torch.cross_entropy_loss(scores, gold, weights == null ? new TensorOptional() : new TensorOptional(weights),
                    torch.Reduction.None.value, TaskModel.IGNORED, name.equals("ce") ? 0.0 : labelSmoothing);
        }
        Tensor scored = gold.ne(Tensors.integer(TaskModel.IGNORED));
        Tensor classes = gold.mul(scored); // an ignored row reads class 0, then counts 0
        Tensor rows = name.equals("focal") ? focal(scores, classes) : dice(scores, classes);
        if (weights != null) rows = rows.mul(weights.index_select(0, classes));
        return rows.mul(scored.to(ScalarType.Float));
    }

    private Tensor focal(Tensor scores, Tensor gold) {
        Tensor logGold = torch.log_softmax(scores, 1).gather(1, gold.unsqueeze(1)).squeeze(1);
        // (1 − p_y)^γ; the floor keeps its gradient finite for γ < 1 where p_y rounds to 1 (an ignored row too, whose 0 would turn it into NaN)
        Tensor modulating = logGold.exp().neg().add(Tensors.scalar(1)).clamp_min(Tensors.scalar(FOCAL_FLOOR)).pow(Tensors.scalar(focalGamma));
        Tensor rows = modulating.mul(logGold).neg();
        if (focalAlpha == null) return rows;
        // α for label 1, 1 − α for label 0: (1 − α) + (2α − 1)·[y = 1]
        Tensor alphaT = gold.eq(Tensors.integer(1)).to(ScalarType.Float).mul(Tensors.scalar(2 * focalAlpha - 1))
                .add(Tensors.scalar(1 - focalAlpha));
        return rows.mul(alphaT);
    }

    private static Tensor dice(Tensor scores, Tensor gold) {
        Tensor p = torch.softmax(scores, 1).gather(1, gold.unsqueeze(1)).squeeze(1);
        Tensor ratio = p.mul(Tensors.scalar(2)).add(Tensors.scalar(DICE_SMOOTHING)).div(p.add(Tensors.scalar(1 + DICE_SMOOTHING)));
        return ratio.neg().add(Tensors.scalar(1));
    }
}
