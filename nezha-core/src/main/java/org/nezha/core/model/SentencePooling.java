package org.nezha.core.model;

import java.util.Arrays;
import java.util.Locale;

import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.InputException;
import org.nezha.core.tensor.Tensors;

/** How a sentence vector is read off the encoder's hidden states, as sentence-transformers' pooling modes. */
public enum SentencePooling {
    /** The [CLS] token's hidden state. */
    CLS("cls"),
    /** The mean over the text's tokens ([CLS] and [SEP] included, padding not), as sentence-transformers' mean. */
    MEAN("mean"),
    /** BERT's pooler on [CLS]: tanh(dense(h[CLS])), trained by next-sentence prediction. */
    CLS_POOLER("cls-pooler");

    /**
     * sentence-transformers' default. Measured on STS-B dev with a tiny model trained from scratch, where the
     * [CLS] vector carries little: untrained 0.61 Spearman with mean, 0.25 with cls (docs/BENCHMARKS.md).
     */
    public static final SentencePooling DEFAULT = MEAN;

    /** The field of config.json that records an embedding model's pooling. */
    public static final String CONFIG_FIELD = "nezha_pooling";

    private final String optionName;

    SentencePooling(String optionName) {
        this.optionName = optionName;
    }

    public String optionName() {
        return optionName;
    }

    /** {@code --pooling NAME}'s pooling, null when not given; an unknown name is an error naming the choices. */
    public static SentencePooling option(String name) {
        if (name == null) return null;
        SentencePooling pooling = named(name);
        if (pooling == null) throw new InputException("--pooling " + name + ": choose one of cls, mean, cls-pooler");
        return pooling;
    }

    /** The pooling called {@code name}, or null when none is. */
    public static SentencePooling named(String name) {
        String key = name.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.optionName.equals(key)).findFirst().orElse(null);
    }

    /**
     * Sentence vectors [B, hidden] from hidden states [B, L, hidden] and the int64 mask [B, L] (1 = token), in
     * float32 at least whatever precision autocast gave the hidden states.
     */
    Tensor pool(NezhaEncoder encoder, Tensor hidden, Tensor attentionMask) {
        return switch (this) {
            case CLS -> atLeastFloat(hidden.select(1, 0));
            case CLS_POOLER -> atLeastFloat(encoder.pool(hidden));
            case MEAN -> { // summed in float32 at least: a bf16 sum over hundreds of tokens would lose the small ones
                Tensor h = atLeastFloat(hidden);
                Tensor mask = attentionMask.unsqueeze(2).to(h.scalar_type());
                Tensor counts = mask.sum(new long[] {1}, false, new ScalarTypeOptional()).clamp_min(Tensors.scalar(1));
                yield h.mul(mask).sum(new long[] {1}, false, new ScalarTypeOptional()).div(counts);
            }
        };
    }

    /** {@code t} in float32, or as it is when wider (float64 reference models). */
    private static Tensor atLeastFloat(Tensor t) {
        return Tensors.dtype(t) == ScalarType.Double ? t : t.to(ScalarType.Float);
    }

    /** Whether the encoder needs BERT's pooler weights. */
    boolean usesPooler() {
        return this == CLS_POOLER;
    }
}
