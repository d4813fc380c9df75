package org.nezha.core.task;

/**
 * The options of particular tasks, as {@code finetune}, {@code eval} and {@code predict} take them; a
 * task ignores the ones that are not its own. Null: the task's default.
 *
 * @param crf token tagging: a linear-chain CRF on top of the classifier (fine-tuning only; a saved model says whether it has one)
 * @param tagScheme token tagging: BIO, BIOES or BMES instead of detecting it from the training tags
 * @param docStride span extraction: tokens between the starts of a long context's windows
 * @param maxQueryLength span extraction: the most tokens of a question kept
 * @param maxAnswerLength span extraction: the most tokens of a predicted answer
 * @param nBest span extraction: the start and end candidates per window the decoder considers
 * @param pooling sentence embeddings: cls, mean or cls-pooler (a saved model records its own)
 * @param embeddingLoss sentence embeddings: simcse or cosent (fine-tuning only)
 * @param temperature sentence embeddings: SimCSE's softmax temperature (fine-tuning only)
 */
public record TaskOptions(Boolean crf, String tagScheme, Integer docStride, Integer maxQueryLength, Integer maxAnswerLength,
                          Integer nBest, String pooling, String embeddingLoss, Double temperature) {
    public static final TaskOptions DEFAULTS = new TaskOptions(null, null, null, null, null, null, null, null, null);
}
