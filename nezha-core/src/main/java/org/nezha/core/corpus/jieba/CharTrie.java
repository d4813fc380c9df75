package org.nezha.core.corpus.jieba;

import java.util.Arrays;

/**
 * An immutable trie over chars in flat arrays, its nodes numbered breadth first: the children of a node are
 * consecutive, sorted by char, so a child is a binary search away (the root's, every text's first lookup, one
 * array read). Each node holds a double, NaN where no word ends. Built in one pass per depth over sorted
 * words, without hashing; read by any number of threads without locks.
 */
final class CharTrie {
    static final int NONE = -1;

    private final int[] rootChild = new int[Character.MAX_VALUE + 1];
    /** The char on the edge into each node. */
    private final char[] label;
    /** The children of node n are the nodes firstChild[n] … firstChild[n + 1] - 1. */
    private final int[] firstChild;
    private final double[] values;

    private CharTrie(char[] label, int[] firstChild, double[] values) {
        this.label = label;
        this.firstChild = firstChild;
        this.values = values;
        Arrays.fill(rootChild, NONE);
        for (int node = firstChild[0]; node < firstChild[1]; node++) rootChild[label[node]] = node;
    }

    /**
     * The trie of words {@code chars[start[w], start[w] + length[w])}, each with {@code value[w]}, for the
     * first {@code count} w of {@code words}: sorted by char, none twice.
     */
    static CharTrie of(char[] chars, int[] start, int[] length, double[] value, int[] words, int count) {
        int nodeCount = countNodes(chars, start, length, words, count);
        char[] label = new char[nodeCount];
        int[] firstChild = new int[nodeCount + 1];
        Arrays.fill(firstChild, NONE);
        double[] values = new double[nodeCount];
        Arrays.fill(values, Double.NaN);
        int[] node = new int[start.length]; // each word's node at the current depth
        int[] active = new int[count]; // the words longer than the depth, in order
        int activeCount = 0;
        for (int k = 0; k < count; k++) {
            int i = words[k];
            if (length[i] == 0) values[0] = value[i];
            else active[activeCount++] = i;
        }
        int nodes = 1;
        for (int depth = 1; activeCount > 0; depth++) {
            int kept = 0;
            int previousParent = NONE;
            char previousChar = 0;
            for (int k = 0; k < activeCount; k++) {
                int i = active[k];
                char c = chars[start[i] + depth - 1];
                int parent = node[i];
                // sorted words sharing this prefix are neighbours: a new prefix is a new node
                if (parent != previousParent || c != previousChar) {
                    if (firstChild[parent] == NONE) firstChild[parent] = nodes;
                    label[nodes++] = c;
                    previousParent = parent;
                    previousChar = c;
                }
                node[i] = nodes - 1;
                if (length[i] == depth) values[node[i]] = value[i];
                else active[kept++] = i;
            }
            activeCount = kept;
        }
        // a childless node's range is empty: it starts where the next node's children start
        firstChild[nodes] = nodes;
        for (int n = nodes - 1; n >= 0; n--) if (firstChild[n] == NONE) firstChild[n] = firstChild[n + 1];
        return new CharTrie(label, firstChild, values);
    }

    /** One node for the root and one per char of each word beyond its common prefix with the word before. */
    private static int countNodes(char[] chars, int[] start, int[] length, int[] words, int count) {
        int nodes = 1;
        for (int k = 0; k < count; k++) {
            int i = words[k];
            int common = 0;
            if (k > 0) {
                int p = words[k - 1];
                int max = Math.min(length[i], length[p]);
                while (common < max && chars[start[i] + common] == chars[start[p] + common]) common++;
            }
            nodes += length[i] - common;
        }
        return nodes;
    }

    /** The value of a node, NaN where no word ends there. */
    double value(int node) {
        return values[node];
    }

    int child(int node, char c) {
        if (node == 0) return rootChild[c];
        int lo = firstChild[node], hi = firstChild[node + 1] - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (label[mid] < c) lo = mid + 1;
            else if (label[mid] > c) hi = mid - 1;
            else return mid;
        }
        return NONE;
    }

    /** The node of {@code text[from, to)} if it is a word, else {@link #NONE}. */
    int word(char[] text, int from, int to) {
        int node = 0;
        for (int i = from; i < to && node != NONE; i++) node = child(node, text[i]);
        return node == NONE || Double.isNaN(values[node]) ? NONE : node;
    }
}
