package org.nezha.core.model;

/**
 * A head trained by a softmax cross-entropy (over the classes of a row, the tags of a token, the positions of a
 * span's start and end), which {@code --loss} and {@code --class-weights} may replace by a {@link ClassificationLoss}.
 */
public interface ChoosableLoss {
    /**
     * From now on {@link TaskModel#loss} is {@code loss}, reduced as the head reduces its cross-entropy.
     *
     * @throws IllegalArgumentException when this head's loss is not a softmax over classes (a CRF's likelihood)
     */
    void useLoss(ClassificationLoss loss);
}
