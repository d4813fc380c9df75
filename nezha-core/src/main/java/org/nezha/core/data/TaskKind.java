package org.nezha.core.data;

/** Whether a task classifies sentence pairs (matching, inference) or single texts (sentiment, topic). */
public enum TaskKind {
    PAIR,
    SINGLE
}
