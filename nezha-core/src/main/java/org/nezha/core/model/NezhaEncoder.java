package org.nezha.core.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
 * The NEZHA (or BERT) encoder: embeddings, transformer layers and, when asked for, the pooler.
 * Parameters live in a {@link ParameterStore} under HF's names with the {@code nezha.} prefix.
 */
public final class NezhaEncoder {
    public static final String PREFIX = "nezha.";

    private final NezhaConfig config;
    private final ParameterStore params;
    private final AttentionBackend attention;
    private final RelativePositionTable relative;
    private final boolean withPooler;
    /** The segments of the last forward when its backward runs through {@link SegmentedGraph}. */
    private SegmentedGraph graph;
    /** Told during a backward when a layer's parameter gradients are final (data-parallel all-reduce); null: nobody. */
    private Consumer<Collection<Tensor>> gradientsReady;
    /** What {@link #gradientsReady} is handed after each layer's backward, by layer index. */
    private List<List<Tensor>> handovers;

    public NezhaEncoder(NezhaConfig config, ParameterStore params, AttentionBackend attention, boolean withPooler) {
        CpuThreads.avoidOversubscription();
        this.config = config;
        this.params = params;
        this.attention = attention;
        this.withPooler = withPooler;
        boolean relativeFunctional = NezhaConfig.RELATIVE_FUNCTIONAL.equals(config.positionEmbeddingType());
        this.relative = relativeFunctional ? new RelativePositionTable(config.maxRelativePosition(), config.headSize()) : null;
        createParameters(relativeFunctional);
    }

    private void createParameters(boolean relativeFunctional) {
        long hidden = config.hiddenSize();
        String e = PREFIX + "embeddings.";
        Tensor words = params.normal(e + "word_embeddings.weight", config.vocabSize(), hidden);
        // HF zeroes the padding row at initialisation
        try (var guard = new org.bytedeco.pytorch.NoGradGuard()) {
            words.select(0, config.padTokenId()).zero_();
        }
        if (!relativeFunctional) params.normal(e + "position_embeddings.weight", config.maxPositionEmbeddings(), hidden);
        params.normal(e + "token_type_embeddings.weight", config.typeVocabSize(), hidden);
        layerNorm(e + "LayerNorm", hidden);
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            String l = PREFIX + "encoder.layer." + i + ".";
            linear(l + "attention.self.query", hidden, hidden);
            linear(l + "attention.self.key", hidden, hidden);
            linear(l + "attention.self.value", hidden, hidden);
            linear(l + "attention.output.dense", hidden, hidden);
            layerNorm(l + "attention.output.LayerNorm", hidden);
            linear(l + "intermediate.dense", config.intermediateSize(), hidden);
            linear(l + "output.dense", hidden, config.intermediateSize());
            layerNorm(l + "output.LayerNorm", hidden);
        }
        if (withPooler) linear(PREFIX + "pooler.dense", hidden, hidden);
    }

    private void linear(String name, long out, long in) {
        params.normal(name + ".weight", out, in);
        params.zeros(name + ".bias", out);
    }

    private void layerNorm(String name, long size) {
        params.ones(name + ".weight", size);
        params.zeros(name + ".bias", size);
    }

    public NezhaConfig config() {
        return config;
    }

    /** The relative-position table, or null for an absolute-position (BERT) model. */
    public RelativePositionTable relativePositions() {
        return relative;
    }

    /**
     * Calls {@code listener} during each backward with every layer's parameters as soon as their
     * gradients are final, last layer first. The forward then cuts the graph between layers for any
     * attention backend, so the backward finishes one layer at a time. Call once the whole model
     * (heads included) has registered its parameters.
     */
    public void onGradientsReady(Consumer<Collection<Tensor>> listener) {
        List<List<Tensor>> lists = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) lists.add(params.withPrefix(PREFIX + "encoder.layer." + i + "."));
        // heads and pooler above the encoder are final once the top segment's backward ran; the word
        // embeddings (tied to the MLM decoder) and the embeddings below are final only at the very end
        lists.getLast().addAll(params.outside(PREFIX + "embeddings.", PREFIX + "encoder.layer."));
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
        for (int i = 0; i < config.numHiddenLayers(); i++) x = layer(i, x, mask, training);
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
        return torch.tanh(linear(first, PREFIX + "pooler.dense"));
    }

    Tensor embed(Tensor inputIds, Tensor tokenTypeIds, boolean training) {
        String e = PREFIX + "embeddings.";
        Tensor x = torch.embedding(params.get(e + "word_embeddings.weight"), inputIds)
                .add(torch.embedding(params.get(e + "token_type_embeddings.weight"), tokenTypeIds));
        if (relative == null) {
            Tensor positions = torch.arange(Tensors.scalar(inputIds.size(1)),
                    Tensors.options(ScalarType.Long, inputIds.device()));
            x = x.add(torch.embedding(params.get(e + "position_embeddings.weight"), positions).unsqueeze(0));
        }
        return dropout(layerNorm(x, e + "LayerNorm"), training);
    }

    private Tensor layer(int index, Tensor x, KeyMask mask, boolean training) {
        String l = PREFIX + "encoder.layer." + index + ".";
        if (graph != null) {
            x = graph.cut(x); // the residual stream enters each layer as a leaf
            // stages run in reverse: this one after the layer's own backward (and its attention stage), before the cut's
            if (gradientsReady != null) {
                List<Tensor> own = handovers.get(index);
                graph.onBackward(() -> gradientsReady.accept(own));
            }
        }
        long b = x.size(0), len = x.size(1);
        long heads = config.numAttentionHeads(), d = config.headSize();
        // one GEMM for q, k and v: [B, L, 3, H, d], read by the attention through strides
        Tensor qkv = projectQkv(x, l + "attention.self.").view(b, len, 3, heads, d);
        Tensor context = attention.attendPacked(qkv, mask, relative, config.attentionProbsDropoutProb(), training, graph)
                .permute(0, 2, 1, 3).reshape(b, len, heads * d);
        Tensor attended = layerNorm(dropout(linear(context, l + "attention.output.dense"), training).add(x),
                l + "attention.output.LayerNorm");
        Tensor inner = Activations.apply(config.hiddenAct(), linear(attended, l + "intermediate.dense"));
        return layerNorm(dropout(linear(inner, l + "output.dense"), training).add(attended), l + "output.LayerNorm");
    }

    /** x·[Wq; Wk; Wv]ᵀ + [bq; bk; bv]: the three projections in one product (weights kept under HF's names). */
    private Tensor projectQkv(Tensor x, String prefix) {
        String[] parts = {"query", "key", "value"};
        Tensor[] weights = new Tensor[3], biases = new Tensor[3];
        for (int i = 0; i < 3; i++) {
            weights[i] = params.get(prefix + parts[i] + ".weight");
            biases[i] = params.get(prefix + parts[i] + ".bias");
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

    Tensor dropout(Tensor x, boolean training) {
        double p = config.hiddenDropoutProb();
        return training && p > 0 ? torch.dropout(x, p, true) : x;
    }
}
