package org.nezha.core.model;

import java.util.Arrays;
import java.util.Locale;

/** What a sentence-embedding model is trained to do, as its config.json records it. */
public enum EmbeddingObjective {
    /**
     * SimCSE's InfoNCE: each text should find its positive among every positive (and hard negative) of the
     * batch. A single text is its own positive under a second dropout mask (unsupervised SimCSE).
     */
    SIMCSE("simcse"),
    /** CoSENT: pairs with a higher gold score should get a higher cosine than pairs with a lower one. */
    COSENT("cosent");

    public static final String CONFIG_FIELD = "nezha_embedding_loss";
    /** The field of config.json with SimCSE's temperature. */
    public static final String TEMPERATURE_FIELD = "nezha_temperature";
    /** SimCSE's temperature (the paper's 0.05). */
    public static final double DEFAULT_TEMPERATURE = 0.05;

    private final String optionName;

    EmbeddingObjective(String optionName) {
        this.optionName = optionName;
    }

    public String optionName() {
        return optionName;
    }

    /** The objective called {@code name}, or null when none is. */
    public static EmbeddingObjective named(String name) {
        String key = name.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(o -> o.optionName.equals(key)).findFirst().orElse(null);
    }
}
