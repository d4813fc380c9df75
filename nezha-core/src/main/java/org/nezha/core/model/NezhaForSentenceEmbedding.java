package org.nezha.core.model;

import java.util.function.UnaryOperator;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.retrieval.ContrastiveLoss;
import org.nezha.core.tensor.Tensors;

/**
 * An encoder that maps each text to one L2-normalised vector (pooled as the config's {@link
 * SentencePooling} says), saved as HF's base model (NezhaModel, BertModel, AlbertModel) so HF and
 * sentence-transformers load the weights.
 *
 * <p>A row may pack up to three texts back to back — the anchor, its positive and a hard negative — each
 * starting with its own [CLS], its token type giving its place (0, 1, 2): that keeps the texts of one
 * example together through the generic batching. The model unpacks them into separate sequences (token
 * type 0, positions from 0) and encodes them all in one pass; {@link #logits} is [B, K × hidden], the K
 * vectors of each row side by side.
 */
public final class NezhaForSentenceEmbedding extends HeadedModel implements TaskModel, GlobalBatchLoss {
    private final SentencePooling pooling;
    private final EmbeddingObjective objective;
    private final double temperature;
    private UnaryOperator<Tensor> gather = UnaryOperator.identity();

    public NezhaForSentenceEmbedding(NezhaConfig config, AttentionBackend attention) {
        super(config, attention, poolingOf(config).usesPooler());
        this.pooling = poolingOf(config);
        String objectiveName = config.text(EmbeddingObjective.CONFIG_FIELD);
        this.objective = objectiveName == null ? EmbeddingObjective.SIMCSE : EmbeddingObjective.named(objectiveName);
        if (objective == null) throw new IllegalArgumentException(EmbeddingObjective.CONFIG_FIELD + " \"" + objectiveName + "\" is unknown");
        String t = config.text(EmbeddingObjective.TEMPERATURE_FIELD);
        this.temperature = t == null ? EmbeddingObjective.DEFAULT_TEMPERATURE : Double.parseDouble(t);
    }

    private static SentencePooling poolingOf(NezhaConfig config) {
        String name = config.text(SentencePooling.CONFIG_FIELD);
        SentencePooling pooling = name == null ? SentencePooling.DEFAULT : SentencePooling.named(name);
        if (pooling == null) throw new IllegalArgumentException(SentencePooling.CONFIG_FIELD + " \"" + name + "\" is unknown");
        return pooling;
    }

    public SentencePooling pooling() {
        return pooling;
    }

    @Override
    public void gatherRowsWith(UnaryOperator<Tensor> gather) {
        this.gather = gather;
    }

    /** The rows' texts as unit vectors, float32 (float64 for a float64 model) [B, K × hidden] (K: texts per row). */
    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        PackedTexts texts = PackedTexts.unpack(inputIds, tokenTypeIds, attentionMask, config().padTokenId());
        Tensor ids = texts.inputIds(), mask = texts.attentionMask();
        Tensor hidden = encoder.forward(ids, torch.zeros_like(ids), mask, training);
        Tensor vectors = torch.normalize(pooling.pool(encoder, hidden, mask)); // [K·B, H], text-major
        long rows = inputIds.size(0), h = vectors.size(1);
        return vectors.view(texts.textsPerRow(), rows, h).transpose(0, 1).reshape(rows, texts.textsPerRow() * h);
    }

    /**
     * The objective's loss over the global batch (every process's rows, see {@link GlobalBatchLoss}). Its
     * value is the global batch's loss on every process; its gradient reaches this process's rows scaled by
     * {@code weight} × global rows (the processes; 1 alone), so the gradients' average over processes is the
     * global loss's gradient. Targets [B, 1]: SimCSE 1 for a row that is a query, {@link #IGNORED} for a
     * pair that is not a positive (its texts stay in-batch negatives); CoSENT the gold score's rank.
     * A weight of 0 marks a stand-in row with no share in the global batch: it contributes no rows.
     */
    @Override
    public Tensor loss(Tensor logits, Tensor targets, Tensor attentionMask, double weight) {
        long h = config().hiddenSize(), k = logits.size(1) / h;
        long mine = weight > 0 ? logits.size(0) : 0;
        Tensor vectors = gather.apply(logits.narrow(0, 0, mine).view(mine, k, h));
        Tensor gold = gather.apply(targets.narrow(0, 0, mine).select(1, 0));
        Tensor loss = switch (objective) {
            case SIMCSE -> {
                if (k < 2) throw new IllegalArgumentException("SimCSE needs rows of 2 or 3 texts, got " + k);
                Tensor queries = torch.ne(gold, Tensors.scalar(IGNORED));
                yield ContrastiveLoss.infoNce(vectors.select(1, 0), vectors.select(1, 1), k > 2 ? vectors.select(1, 2) : null,
                        temperature, queries);
            }
            case COSENT -> {
                if (k != 2) throw new IllegalArgumentException("CoSENT needs rows of 2 texts, got " + k);
                yield ContrastiveLoss.cosent(vectors.select(1, 0).mul(vectors.select(1, 1)).sum(new long[] {1}), gold);
            }
        };
        Tensor value = loss.detach();
        double processes = weight * vectors.size(0);
        // + 0 × the rows: a stand-in row's process still needs a graph to run its backward through
        return value.add(loss.sub(value).mul(Tensors.scalar(processes))).add(logits.sum().mul(Tensors.scalar(0)));
    }
}
