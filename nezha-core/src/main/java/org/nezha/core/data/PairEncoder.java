package org.nezha.core.data;

/**
 * Tokenizes one example into at most maxLen ids, special tokens included; b is null for
 * single-text tasks. Called from several threads at once, so it must be thread-safe.
 */
@FunctionalInterface
public interface PairEncoder {
    EncodedPair encode(String a, String b, int maxLen);
}
