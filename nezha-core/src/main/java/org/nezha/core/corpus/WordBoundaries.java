package org.nezha.core.corpus;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.nezha.core.InputException;

/** Which tokens start a word, for whole-word masking ({@link SentenceTokenizer} has the rules). */
public enum WordBoundaries {
    /** Jieba's words inside runs of Chinese characters, WordPiece words elsewhere. */
    JIEBA,
    /** The first token of every whitespace-separated chunk (corpora of ids such as {@code 12 5 239}). */
    WHITESPACE,
    /** Every token that is not a {@code ##} continuation piece (Google BERT's whole-word masking). */
    NONE;

    /** The name in options and in index.json: "jieba", "whitespace", "none". */
    @JsonValue
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static WordBoundaries fromOptionName(String name) {
        for (WordBoundaries b : values()) if (b.optionName().equals(name)) return b;
        throw new InputException("word boundaries '" + name + "': choose one of "
                + Arrays.stream(values()).map(WordBoundaries::optionName).collect(Collectors.joining(", ")));
    }
}
