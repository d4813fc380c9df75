package org.nezha.core.task.ner;

/** A predicted entity: its type and code-point range [start, end) in the sentence's text, and that text. */
public record NerEntity(String type, int start, int end, String text) {}
