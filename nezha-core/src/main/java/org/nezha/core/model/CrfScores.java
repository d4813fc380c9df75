package org.nezha.core.model;

/**
 * A token classifier's CRF parameters as plain numbers, for decoding outside the graph: the score of
 * starting on each tag, of ending on it, and {@code transitions[from][to]}.
 */
public record CrfScores(double[] start, double[] end, double[][] transitions) {}
