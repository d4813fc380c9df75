package org.nezha.core.corpus.jieba;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * A trie over chars in flat arrays: node 0 is the root, whose children are indexed by char; any other edge
 * is a slot of an open-addressing hash table keyed by (parent, char). Each node holds a double, NaN where
 * no word ends. Read-only once built, so any number of threads may read it without locks.
 */
final class CharTrie {
    static final int NONE = -1;

    /** The lookup done at every position of every text: one array read. */
    private final int[] rootChild = new int[Character.MAX_VALUE + 1];
    private long[] edgeKeys;
    /** The child node of each slot, 0 where the slot is free (the root is no one's child). */
    private int[] edgeChild;
    private int edges;
    private double[] values = new double[1 << 16];
    private int nodes = 1;

    /** @param expectedEdges how many edges below the root to make room for (it grows beyond) */
    CharTrie(int expectedEdges) {
        edgeKeys = new long[Integer.highestOneBit(Math.max(2 * expectedEdges, 1 << 10) - 1) << 1];
        edgeChild = new int[edgeKeys.length];
        Arrays.fill(rootChild, NONE);
        Arrays.fill(values, Double.NaN);
    }

    /** The node of {@code word[from, to)}, created with its prefixes where missing. */
    int insert(char[] word, int from, int to) {
        int node = 0;
        for (int i = from; i < to; i++) {
            int next = child(node, word[i]);
            if (next == NONE) next = addChild(node, word[i]);
            node = next;
        }
        return node;
    }

    void setValue(int node, double value) {
        values[node] = value;
    }

    /** The value of a node, NaN where no word ends there. */
    double value(int node) {
        return values[node];
    }

    /** Replaces the value of every word's node by {@code f} of it. */
    void mapValues(DoubleUnaryOperator f) {
        for (int node = 0; node < nodes; node++) {
            if (!Double.isNaN(values[node])) values[node] = f.applyAsDouble(values[node]);
        }
    }

    int child(int node, char c) {
        if (node == 0) return rootChild[c];
        long key = edgeKey(node, c);
        int mask = edgeKeys.length - 1;
        for (int slot = slot(key, mask); edgeChild[slot] != 0; slot = (slot + 1) & mask) {
            if (edgeKeys[slot] == key) return edgeChild[slot];
        }
        return NONE;
    }

    /** The node of {@code text[from, to)} if it is a word, else {@link #NONE}. */
    int word(char[] text, int from, int to) {
        int node = 0;
        for (int i = from; i < to && node != NONE; i++) node = child(node, text[i]);
        return node == NONE || Double.isNaN(values[node]) ? NONE : node;
    }

    private int addChild(int node, char c) {
        int child = nodes++;
        if (child == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
            Arrays.fill(values, child, values.length, Double.NaN);
        }
        if (node == 0) {
            rootChild[c] = child;
        } else {
            if (++edges > edgeKeys.length / 2) rehash(edgeKeys.length * 2);
            put(edgeKeys, edgeChild, edgeKey(node, c), child);
        }
        return child;
    }

    private void rehash(int capacity) {
        long[] keys = new long[capacity];
        int[] children = new int[capacity];
        for (int slot = 0; slot < edgeKeys.length; slot++) {
            if (edgeChild[slot] != 0) put(keys, children, edgeKeys[slot], edgeChild[slot]);
        }
        edgeKeys = keys;
        edgeChild = children;
    }

    private static void put(long[] keys, int[] children, long key, int child) {
        int mask = keys.length - 1;
        int slot = slot(key, mask);
        while (children[slot] != 0) slot = (slot + 1) & mask;
        keys[slot] = key;
        children[slot] = child;
    }

    private static long edgeKey(int node, char c) {
        return (long) node << 16 | c;
    }

    private static int slot(long key, int mask) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> 32) & mask;
    }
}
