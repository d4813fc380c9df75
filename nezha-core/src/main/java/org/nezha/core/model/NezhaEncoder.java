package org.nezha.core.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.tensor.CpuThreads;
import org.nezha.core.tensor.Tensors;

/**
 * The encoder of every family (NEZHA, BERT, ALBERT): embeddings, transformer blocks and, when asked
 * for, the pooler. Parameters live in a {@link ParameterStore} under the HF names of the config's
 * {@link ModelFamily}, laid out by {@link ModelLayout}; the forward runs the layout's blocks in order,
 * ALBERT's shared ones several times.
 */
public final class NezhaEncoder {
    private final NezhaConfig config;
    private final ModelLayout layout;
    private final ParameterStore params;
    private final AttentionBackend attention;
    private final RelativePositionTable relative;
    private final boolean withPooler;
    /** The segments of the last forward when its backward runs through {@link SegmentedGraph}. */
    private SegmentedGraph graph;
    /** Told during a backward when a block's parameter gradients are final (data-parallel all-reduce); null: nobody. */
    private Consumer<Collection<Tensor>> gradientsReady;
    /** What {@link #gradientsReady} is handed after each block run's backward, by run index. */
    private List<List<Tensor>> handovers;

    public NezhaEncoder(NezhaConfig config, ParameterStore params, AttentionBackend attention, boolean withPooler) {
        CpuThreads.avoidOversubscription();
        this.config = config;
        this.layout = new ModelLayout(config);
        this.params = params;
        this.attention = attention;
        this.withPooler = withPooler;
        this.relative = config.hasAbsolutePositions() ? null : new RelativePositionTable(config.maxRelativePosition(), config.headSize());
        params.create(layout.encoder(withPooler));
        // HF zeroes the padding row at initialisation
        try (var guard = new org.bytedeco.pytorch.NoGradGuard()) {
            params.get(layout.wordEmbeddings()).select(0, config.padTokenId()).zero_();
        }
    }

    public NezhaConfig config() {
        return config;
    }

    /** The HF names of this model's parameters, for the heads on top. */
    ModelLayout layout() {
        return layout;
    }

    /** The word-embedding matrix [vocab, width] (the parameter itself), which adversarial training perturbs. */
    public Tensor wordEmbeddings() {
        return params.get(layout.wordEmbeddings());
    }

    /** The relative-position table, or null for an absolute-position (BERT, ALBERT) model. */
    public RelativePositionTable relativePositions() {
        return relative;
    }

    /**
     * Calls {@code listener} during each backward with every block's parameters as soon as their
     * gradients are final, top block first. The forward then cuts the graph between blocks for any
     * attention backend, so the backward finishes one block at a time. A block that several layers
     * share (ALBERT) is final only after the lowest of them, so it is handed over there. Call once
     * the whole model (heads included) has registered its parameters.
     */
    public void onGradientsReady(Consumer<Collection<Tensor>> listener) {
        List<List<Tensor>> lists = new ArrayList<>();
        Set<BlockNames> handed = new HashSet<>();
        for (BlockNames block : layout.runs()) {
            List<Tensor> own = new ArrayList<>();
            if (handed.add(block)) { // the lowest run of the block: the last of its backward
                for (String module : block.modules()) {
                    own.add(params.get(module + ".weight"));
                    own.add(params.get(module + ".bias"));
                }
            }
            lists.add(own);
        }
        // heads and pooler above the encoder are final once the top segment's backward ran; the word
        // embeddings (tied to the MLM decoder), the embeddings below and ALBERT's projection are final
        // only at the very end
        String prefix = layout.family().prefix();
        lists.getLast().addAll(params.outside(prefix + "embeddings.", prefix + "encoder."));
        this.handovers = lists;
        this.gradientsReady = listener;
    }

    /**
     * @param inputIds, tokenTypeIds, attentionMask int64 [B, L] (mask 1 = token, 0 = padding)
     * @return the last layer's hidden states [B, L, hidden]
     */
    public Tensor forward(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        boolean cut = attention.cutsGraph() || gradientsReady != null;
        graph = cut && GradMode.is_enabled() ? new SegmentedGraph() : null;
        Tensor x = embed(inputIds, tokenTypeIds, training);
        KeyMask mask = new KeyMask(attentionMask);
        List<BlockNames> runs = layout.runs();
        for (int i = 0; i < runs.size(); i++) x = block(i, runs.get(i), x, mask, training);
        return x;
    }

    /** Backward from a loss computed from the last {@link #forward}'s output. */
    public void backward(Tensor loss) {
        SegmentedGraph segments = graph;
        graph = null;
        if (segments == null) loss.backward();
        else segments.backward(loss);
    }

    public AttentionBackend attention() {
        return attention;
    }

    /** tanh(dense(h[CLS])) — the pooled sentence vector [B, hidden]. */
    public Tensor pool(Tensor sequenceOutput) {
        if (!withPooler) throw new IllegalStateException("this encoder was built without a pooler");
        Tensor first = sequenceOutput.select(1, 0);
        return torch.tanh(linear(first, layout.pooler()));
    }

    /** The embeddings as the first block reads them: [B, L, hidden] (ALBERT's projected up from their own width). */
    Tensor embed(Tensor inputIds, Tensor tokenTypeIds, boolean training) {
        String e = layout.embeddings();
        Tensor x = torch.embedding(params.get(layout.wordEmbeddings()), inputIds)
                .add(torch.embedding(params.get(e + "token_type_embeddings.weight"), tokenTypeIds));
        if (relative == null) {
            Tensor positions = torch.arange(Tensors.scalar(inputIds.size(1)),
                    Tensors.options(ScalarType.Long, inputIds.device()));
            x = x.add(torch.embedding(params.get(e + "position_embeddings.weight"), positions).unsqueeze(0));
        }
        x = dropout(layerNorm(x, e + "LayerNorm"), training);
        return layout.embeddingProjection() == null ? x : linear(x, layout.embeddingProjection());
    }

    /** Run {@code index} of the forward: one transformer block (BERT's layer, ALBERT's shared layer). */
    private Tensor block(int index, BlockNames names, Tensor x, KeyMask mask, boolean training) {
        if (graph != null) {
            x = graph.cut(x); // the residual stream enters each block as a leaf
            // stages run in reverse: this one after the block's own backward (and its attention stage), before the cut's
            List<Tensor> own = gradientsReady == null ? List.of() : handovers.get(index);
            if (!own.isEmpty()) graph.onBackward(() -> gradientsReady.accept(own));
        }
        long b = x.size(0), len = x.size(1);
        long heads = config.numAttentionHeads(), d = config.headSize();
        // one GEMM for q, k and v: [B, L, 3, H, d], read by the attention through strides
        Tensor qkv = projectQkv(x, names).view(b, len, 3, heads, d);
        Tensor context = attention.attendPacked(qkv, mask, relative, config.attentionProbsDropoutProb(), training, graph)
                .permute(0, 2, 1, 3).reshape(b, len, heads * d);
        Tensor attended = layerNorm(dropout(linear(context, names.attentionOutput()), training).add(x), names.attentionNorm());
        Tensor inner = Activations.apply(config.hiddenAct(), linear(attended, names.intermediate()));
        Tensor output = linear(inner, names.output());
        if (layout.feedForwardDropout()) output = dropout(output, training);
        return layerNorm(output.add(attended), names.outputNorm());
    }

    /** x·[Wq; Wk; Wv]ᵀ + [bq; bk; bv]: the three projections in one product (weights kept under HF's names). */
    private Tensor projectQkv(Tensor x, BlockNames names) {
        String[] parts = {names.query(), names.key(), names.value()};
        Tensor[] weights = new Tensor[3], biases = new Tensor[3];
        for (int i = 0; i < 3; i++) {
            weights[i] = params.get(parts[i] + ".weight");
            biases[i] = params.get(parts[i] + ".bias");
        }
        return torch.linear(x, torch.cat(new TensorVector(weights)), new TensorOptional(torch.cat(new TensorVector(biases))));
    }

    Tensor linear(Tensor x, String name) {
        return torch.linear(x, params.get(name + ".weight"), new TensorOptional(params.get(name + ".bias")));
    }

    Tensor layerNorm(Tensor x, String name) {
        return torch.layer_norm(x, new long[] {x.size(-1)}, new TensorOptional(params.get(name + ".weight")),
                new TensorOptional(params.get(name + ".bias")), config.layerNormEps(), false);
    }

    /** Dropout at {@code hidden_dropout_prob}. */
    Tensor dropout(Tensor x, boolean training) {
        return dropout(x, config.hiddenDropoutProb(), training);
    }

    static Tensor dropout(Tensor x, double p, boolean training) {
        return training && p > 0 ? torch.dropout(x, p, true) : x;
    }
}
