package org.nezha.core.model;

import java.lang.management.ManagementFactory;
import java.util.Locale;

import org.nezha.core.InputException;
import org.nezha.core.config.NezhaConfig;

/**
 * How big a model of a config is, counted from the config before anything is allocated, so that a
 * config that cannot fit ({@code vocab_size} 2³¹−1, say) is one clear error instead of a failed
 * terabyte allocation deep in libtorch.
 */
public final class ModelSize {
    /** fp32 weights, gradients and the optimizer's two moments (AdamW and LAMB alike). */
    private static final int TRAINING_BYTES_PER_PARAMETER = 16;
    private static final int INFERENCE_BYTES_PER_PARAMETER = 4;

    /** The head on top of the encoder. */
    public enum Head { MASKED_LM, PRETRAINING, SEQUENCE_CLASSIFICATION }

    private ModelSize() {}

    /**
     * Parameters of the model {@link NezhaForMaskedLM} (with or without next-sentence head) or
     * {@link NezhaForSequenceClassification} builds (saturating), each of ALBERT's shared blocks once.
     */
    public static long parameters(NezhaConfig c, Head head) {
        long h = c.hiddenSize(), e = c.embeddingSize(), vocab = c.vocabSize(), inner = c.intermediateSize();
        boolean albert = ModelFamily.of(c) == ModelFamily.ALBERT;
        long embeddings = sum(mul(vocab, e), mul(c.typeVocabSize(), e), 2 * e,
                c.hasAbsolutePositions() ? mul(c.maxPositionEmbeddings(), e) : 0,
                albert ? sum(mul(e, h), h) : 0); // ALBERT's projection to the hidden size
        long block = sum(mul(4, sum(mul(h, h), h)), mul(2, mul(inner, h)), inner, h, 4 * h);
        long blocks = albert ? mul(c.numHiddenGroups(), c.innerGroupNum()) : c.numHiddenLayers();
        long heads = switch (head) {
            case MASKED_LM -> maskedLmHead(h, e, vocab);
            case PRETRAINING -> sum(maskedLmHead(h, e, vocab), mul(h, h), h, 2 * h, 2); // + pooler, next-sentence head
            case SEQUENCE_CLASSIFICATION -> sum(mul(h, h), h, mul(c.numLabels(), h), c.numLabels()); // pooler, classifier
        };
        return sum(embeddings, mul(blocks, block), heads);
    }

    /** The transform to the embedding width, its LayerNorm and the decoder bias (the decoder weight is tied to the word embeddings). */
    private static long maskedLmHead(long h, long e, long vocab) {
        return sum(mul(e, h), 3 * e, vocab);
    }

    /**
     * Refuses a model whose weights (and, for training, gradients and optimizer state) alone exceed
     * this machine's memory, once for each of the {@code processes} that share the machine (a
     * data-parallel launch); {@code source} names the config in the error.
     */
    public static void requireFits(NezhaConfig config, Head head, boolean training, int processes, Object source) {
        long parameters = parameters(config, head);
        long table = config.hasAbsolutePositions() ? 0 : mul(2L * config.maxRelativePosition() + 1, config.headSize());
        long perProcess = sum(mul(parameters, training ? TRAINING_BYTES_PER_PARAMETER : INFERENCE_BYTES_PER_PARAMETER),
                mul(4, table));
        long needed = mul(perProcess, processes);
        long available = physicalMemory();
        if (needed > available) {
            throw new InputException(String.format(Locale.ROOT,
                    "%s: a model of this config has %,d parameters and needs about %s of memory %s%s, more than the %s "
                            + "this machine has (check vocab_size, hidden_size, num_hidden_layers, intermediate_size)",
                    source, parameters, bytes(perProcess),
                    training ? "to train (fp32 weights, gradients and optimizer state)" : "for its fp32 weights",
                    processes == 1 ? "" : " in each of the " + processes + " processes on this machine",
                    bytes(available)));
        }
    }

    static long physicalMemory() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    }

    static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = n;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
    }

    private static long mul(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        return high != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
    }

    private static long sum(long... terms) {
        long total = 0;
        for (long t : terms) total = total > Long.MAX_VALUE - t ? Long.MAX_VALUE : total + t;
        return total;
    }
}
