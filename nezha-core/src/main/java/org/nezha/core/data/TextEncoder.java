package org.nezha.core.data;

/**
 * Turns text into WordPiece ids without special tokens. The corpus reader calls it from several
 * threads at once, so implementations must be thread-safe.
 */
@FunctionalInterface
public interface TextEncoder {
    int[] tokenIds(String text);
}
