package org.nezha.core.data;

/**
 * The texts a task's examples hold: sentence pairs (matching, inference), single texts (sentiment,
 * topic), or whichever of one text, a pair or a triplet (text_a, text_b, negative) a file has, the
 * same on every row (sentence embeddings).
 */
public enum TaskKind {
    PAIR,
    SINGLE,
    TEXTS
}
