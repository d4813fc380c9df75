package org.nezha.core.model;

import java.util.ArrayList;
import java.util.List;

import org.nezha.core.config.NezhaConfig;

/**
 * Where every parameter of a family's models lives in HF's state dict, its shape and how HF
 * initialises it, from the config alone: the models create their parameters from this table and
 * their forward finds them by these names; {@link ModelShapes} lists it without allocating.
 * NEZHA and BERT differ only in the prefix (and NEZHA's lack of position embeddings); ALBERT has
 * narrower embeddings projected to the hidden size, and blocks that several layers share.
 */
final class ModelLayout {
    /** How HF's _init_weights starts a parameter: N(0, initializer_range), zeros or ones. */
    enum Init { NORMAL, ZEROS, ONES }

    /** One parameter: its HF name, shape and initialisation. */
    record Parameter(String name, long[] shape, Init init) {}

    static final String CLASSIFIER = "classifier";
    static final String CRF = "crf";
    static final String QA_OUTPUTS = "qa_outputs";

    private final NezhaConfig config;
    private final ModelFamily family;
    /** Each distinct block once, in HF's order. */
    private final List<BlockNames> blocks = new ArrayList<>();
    /** The block each step of the forward runs, bottom first (ALBERT runs a block several times). */
    private final List<BlockNames> runs = new ArrayList<>();

    ModelLayout(NezhaConfig config) {
        this.config = config;
        this.family = ModelFamily.of(config);
        String encoder = family.prefix() + "encoder.";
        if (family != ModelFamily.ALBERT) {
            for (int i = 0; i < config.numHiddenLayers(); i++) blocks.add(BlockNames.bertLayer(encoder + "layer." + i + "."));
            runs.addAll(blocks);
            return;
        }
        int groups = config.numHiddenGroups(), inner = config.innerGroupNum(), layers = config.numHiddenLayers();
        for (int g = 0; g < groups; g++) {
            for (int j = 0; j < inner; j++) {
                blocks.add(BlockNames.albertLayer(encoder + "albert_layer_groups." + g + ".albert_layers." + j + "."));
            }
        }
        for (int i = 0; i < layers; i++) {
            int group = (int) (i / ((double) layers / groups)); // HF: int(i / (num_hidden_layers / num_hidden_groups))
            runs.addAll(blocks.subList(group * inner, (group + 1) * inner));
        }
    }

    ModelFamily family() {
        return family;
    }

    /** The module prefix of the embeddings ({@code bert.embeddings.} …). */
    String embeddings() {
        return family.prefix() + "embeddings.";
    }

    /** The word embeddings [vocab, embedding size], which the MLM decoder shares. */
    String wordEmbeddings() {
        return embeddings() + "word_embeddings.weight";
    }

    /** ALBERT's projection of the embeddings to the hidden size; null for NEZHA and BERT, whose embeddings are that wide. */
    String embeddingProjection() {
        return family == ModelFamily.ALBERT ? family.prefix() + "encoder.embedding_hidden_mapping_in" : null;
    }

    /** The block each step of the forward runs, bottom first. */
    List<BlockNames> runs() {
        return runs;
    }

    /** HF's ALBERT has no dropout after the feed-forward output (it defines one and never calls it); BERT does. */
    boolean feedForwardDropout() {
        return family != ModelFamily.ALBERT;
    }

    String pooler() {
        return family == ModelFamily.ALBERT ? family.prefix() + "pooler" : family.prefix() + "pooler.dense";
    }

    /** The MLM head's dense layer [embedding size, hidden]. */
    String maskedLmTransform() {
        return family == ModelFamily.ALBERT ? "predictions.dense" : "cls.predictions.transform.dense";
    }

    String maskedLmNorm() {
        return family == ModelFamily.ALBERT ? "predictions.LayerNorm" : "cls.predictions.transform.LayerNorm";
    }

    /** The decoder's bias [vocab] (its weight is the word embeddings). */
    String maskedLmBias() {
        return family == ModelFamily.ALBERT ? "predictions.bias" : "cls.predictions.bias";
    }

    /** BERT's next-sentence head, or ALBERT's sentence-order head, which takes its place. */
    String nextSentence() {
        return family == ModelFamily.ALBERT ? "sop_classifier.classifier" : "cls.seq_relationship";
    }

    /** Dropout on the pooled vector before that head: ALBERT's SOP head has it, BERT's has none. */
    double nextSentenceDropout() {
        return family == ModelFamily.ALBERT ? config.classifierDropoutProb() : 0;
    }

    /** Embeddings, ALBERT's projection, every distinct block and, if asked for, the pooler. */
    List<Parameter> encoder(boolean withPooler) {
        long hidden = config.hiddenSize(), width = config.embeddingSize(), inner = config.intermediateSize();
        Table t = new Table();
        t.add(wordEmbeddings(), Init.NORMAL, config.vocabSize(), width);
        if (config.hasAbsolutePositions()) t.add(embeddings() + "position_embeddings.weight", Init.NORMAL, config.maxPositionEmbeddings(), width);
        t.add(embeddings() + "token_type_embeddings.weight", Init.NORMAL, config.typeVocabSize(), width);
        t.layerNorm(embeddings() + "LayerNorm", width);
        if (embeddingProjection() != null) t.linear(embeddingProjection(), hidden, width);
        for (BlockNames b : blocks) {
            for (String projection : List.of(b.query(), b.key(), b.value(), b.attentionOutput())) t.linear(projection, hidden, hidden);
            t.layerNorm(b.attentionNorm(), hidden);
            t.linear(b.intermediate(), inner, hidden);
            t.linear(b.output(), hidden, inner);
            t.layerNorm(b.outputNorm(), hidden);
        }
        if (withPooler) t.linear(pooler(), hidden, hidden);
        return t.parameters;
    }

    /** Transform, its LayerNorm and the decoder bias. */
    List<Parameter> maskedLmHead() {
        Table t = new Table();
        t.linear(maskedLmTransform(), config.embeddingSize(), config.hiddenSize());
        t.layerNorm(maskedLmNorm(), config.embeddingSize());
        t.add(maskedLmBias(), Init.ZEROS, config.vocabSize());
        return t.parameters;
    }

    List<Parameter> nextSentenceHead() {
        Table t = new Table();
        t.linear(nextSentence(), 2, config.hiddenSize());
        return t.parameters;
    }

    /** The sequence classifier, one row per label. */
    List<Parameter> classifier() {
        Table t = new Table();
        t.linear(CLASSIFIER, config.numLabels(), config.hiddenSize());
        return t.parameters;
    }

    /**
     * A token classifier's linear-chain CRF over its {@code num_labels} tags, under pytorch-crf's names:
     * {@code transitions[from, to]}, and the scores of starting and of ending on each tag.
     */
    List<Parameter> crf() {
        Table t = new Table();
        long tags = config.numLabels();
        t.add(CRF + ".start_transitions", Init.NORMAL, tags);
        t.add(CRF + ".end_transitions", Init.NORMAL, tags);
        t.add(CRF + ".transitions", Init.NORMAL, tags, tags);
        return t.parameters;
    }

    /** The span head of HF's …ForQuestionAnswering: a start and an end score per token. */
    List<Parameter> questionAnswering() {
        Table t = new Table();
        t.linear(QA_OUTPUTS, 2, config.hiddenSize());
        return t.parameters;
    }

    /** Collects parameters in HF's order, with HF's initialisation of Linear and LayerNorm modules. */
    private static final class Table {
        final List<Parameter> parameters = new ArrayList<>();

        void add(String name, Init init, long... shape) {
            parameters.add(new Parameter(name, shape, init));
        }

        void linear(String name, long out, long in) {
            add(name + ".weight", Init.NORMAL, out, in);
            add(name + ".bias", Init.ZEROS, out);
        }

        void layerNorm(String name, long size) {
            add(name + ".weight", Init.ONES, size);
            add(name + ".bias", Init.ZEROS, size);
        }
    }
}
