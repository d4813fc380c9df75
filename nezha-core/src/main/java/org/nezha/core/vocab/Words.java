package org.nezha.core.vocab;

/** The distinct words of a corpus as sequences of piece ids, with their counts, merged in place. */
final class Words {
    /** Receives the pair counts a merge changes: -1 for a pair that is gone, +1 for one that is new. */
    @FunctionalInterface
    interface PairChange {
        void accept(long pair, int change);
    }

    /** The id of the character {@code cp} at code point {@code position} of a word, or -1 to leave it out. */
    @FunctionalInterface
    interface PieceIds {
        int id(int cp, int position);
    }

    private final int[][] pieces;
    private final int[] lengths;
    private final long[] counts;

    private Words(int[][] pieces, int[] lengths, long[] counts) {
        this.pieces = pieces;
        this.lengths = lengths;
        this.counts = counts;
    }

    static Words split(WordCounts counts, PieceIds ids) {
        int n = counts.words().length;
        int[][] pieces = new int[n][];
        int[] lengths = new int[n];
        for (int w = 0; w < n; w++) {
            String word = counts.words()[w];
            int[] wordPieces = new int[word.codePointCount(0, word.length())];
            int length = 0;
            int position = 0;
            for (int i = 0; i < word.length(); position++) {
                int cp = word.codePointAt(i);
                int id = ids.id(cp, position);
                if (id >= 0) wordPieces[length++] = id;
                i += Character.charCount(cp);
            }
            pieces[w] = wordPieces;
            lengths[w] = length;
        }
        return new Words(pieces, lengths, counts.counts());
    }

    int size() {
        return pieces.length;
    }

    int[] pieces(int word) {
        return pieces[word];
    }

    int length(int word) {
        return lengths[word];
    }

    long count(int word) {
        return counts[word];
    }

    /**
     * Replaces each occurrence of {@code left right} in {@code word}, left to right and without
     * overlap, by {@code merged}, reporting the pair changes exactly as HF's {@code Word::merge}
     * does (a pair both removed and formed is reported twice).
     */
    void merge(int word, int left, int right, int merged, PairChange changes) {
        int[] p = pieces[word];
        int n = lengths[word];
        for (int i = 0; i < n; i++) {
            if (p[i] != left || i + 1 >= n || p[i + 1] != right) continue;
            if (i > 0) {
                changes.accept(pair(p[i - 1], left), -1);
                changes.accept(pair(p[i - 1], merged), 1);
            }
            p[i] = merged;
            System.arraycopy(p, i + 2, p, i + 1, n - i - 2);
            n--;
            if (i < n - 1) {
                changes.accept(pair(right, p[i + 1]), -1);
                changes.accept(pair(merged, p[i + 1]), 1);
            }
        }
        lengths[word] = n;
    }

    static long pair(int left, int right) {
        return ((long) left << 32) | right;
    }
}
