package org.nezha.core.data;

import java.util.Arrays;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import org.nezha.core.InputException;

/** Which tokens masked-LM masks together. */
public enum MaskingScheme {
    /** Each token on its own (Google BERT's original recipe). */
    TOKEN("token"),
    /** Every piece of a chosen word together (Google's whole-word masking; Chinese words from jieba). */
    WHOLE_WORD("wwm"),
    /** Spans of 1–4 whole words, with probabilities 40/30/20/10 % (MacBERT's recipe, ALBERT's n-gram masking). */
    NGRAM("ngram");

    private final String optionName;

    MaskingScheme(String optionName) {
        this.optionName = optionName;
    }

    @JsonValue
    public String optionName() {
        return optionName;
    }

    @JsonCreator
    public static MaskingScheme parse(String name) {
        for (MaskingScheme scheme : values()) {
            if (scheme.optionName.equals(name)) return scheme;
        }
        throw new InputException("--masking: unknown scheme '" + name + "'; choose "
                + Arrays.stream(values()).map(MaskingScheme::optionName).collect(Collectors.joining(", ")));
    }
}
