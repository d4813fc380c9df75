package org.nezha.core.retrieval;

import java.util.Arrays;
import java.util.stream.IntStream;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.tensor.Tensors;

/**
 * Brute-force top-k search by inner product; with L2-normalised vectors that is cosine similarity. Each
 * query keeps a bounded min-heap of its k best candidates (O(n log k) rather than a full O(n log n) sort
 * of the corpus), and queries run in parallel. Ties go to the lower corpus index, so results do not
 * depend on scheduling. A score is the float32 sum of products in index order; a NaN score
 * (non-finite input) ranks above every number, as {@link Float#compare} orders it, so it is seen.
 */
public final class ExactSearch {
    private ExactSearch() {}

    /**
     * The k best corpus rows of each query, best first.
     *
     * @param indices [query][rank] corpus row index
     * @param scores  [query][rank] inner product
     */
    public record Hits(int[][] indices, float[][] scores) {}

    /** {@code corpus} and {@code queries}: one vector per row, all of one dimension. */
    public static Hits topK(float[][] corpus, float[][] queries, int k) {
        int dim = corpus.length > 0 ? corpus[0].length : (queries.length > 0 ? queries[0].length : 0);
        return topK(flatten(corpus, dim, "corpus"), queries.length == 0 ? new float[0] : flatten(queries, dim, "query"),
                dim, k);
    }

    /**
     * {@code corpus} and {@code queries}: row-major vectors of {@code dim} floats each (the layout an embedding
     * matrix comes back from a tensor in, with no copy per row).
     */
    public static Hits topK(float[] corpus, float[] queries, int dim, int k) {
        if (dim < 1) throw new IllegalArgumentException("dimension must be >= 1, got " + dim);
        if (corpus.length % dim != 0) {
            throw new IllegalArgumentException("corpus of " + corpus.length + " floats is not a whole number of " + dim + "-dim vectors");
        }
        if (queries.length % dim != 0) {
            throw new IllegalArgumentException("query dimension does not match corpus dimension " + dim + ": "
                    + queries.length + " floats is not a whole number of " + dim + "-dim vectors");
        }
        int corpusSize = corpus.length / dim, queryCount = queries.length / dim;
        if (k < 1 || k > corpusSize) {
            throw new IllegalArgumentException("k must be in [1, corpus size " + corpusSize + "], got " + k);
        }
        int[][] indices = new int[queryCount][];
        float[][] scores = new float[queryCount][];
        IntStream.range(0, queryCount).parallel().forEach(q -> {
            TopK top = new TopK(k);
            for (int row = 0; row < corpusSize; row++) top.offer(score(queries, q * dim, corpus, row * dim, dim), row);
            indices[q] = new int[k];
            scores[q] = new float[k];
            top.drainBestFirst(indices[q], scores[q]);
        });
        return new Hits(indices, scores);
    }

    /** Score-matrix elements per libtorch chunk of queries: 64 MiB of float32, however large the corpus. */
    private static final long TENSOR_CHUNK_ELEMENTS = 1L << 24;

    /**
     * The same search with libtorch, queries · corpusᵀ then {@code topk}, on the device the tensors live on
     * ({@code corpus} [N, d], {@code queries} [Q, d], computed in float32), a chunk of queries at a time so the
     * score matrix stays bounded. Two differences from the array search, so use that one where they matter: the
     * matmul sums in its own order (scores may differ in the last bits), and torch.topk orders equal scores as
     * it likes rather than by lower index.
     */
    public static Hits topK(Tensor corpus, Tensor queries, int k) {
        if (corpus.dim() != 2 || queries.dim() != 2) {
            throw new IllegalArgumentException("corpus and queries must be matrices [N, d] and [Q, d], got "
                    + corpus.dim() + " and " + queries.dim() + " dimensions");
        }
        if (corpus.size(1) != queries.size(1)) {
            throw new IllegalArgumentException("query dimension " + queries.size(1) + " does not match corpus dimension "
                    + corpus.size(1));
        }
        long corpusSize = corpus.size(0);
        if (k < 1 || k > corpusSize) {
            throw new IllegalArgumentException("k must be in [1, corpus size " + corpusSize + "], got " + k);
        }
        int queryCount = Math.toIntExact(queries.size(0));
        int[][] indices = new int[queryCount][];
        float[][] scores = new float[queryCount][];
        int chunk = (int) Math.max(1, Math.min(queryCount, TENSOR_CHUNK_ELEMENTS / corpusSize));
        try (PointerScope scope = new PointerScope()) {
            Tensor corpusT = corpus.to(ScalarType.Float).t();
            for (int start = 0; start < queryCount; start += chunk) {
                try (PointerScope chunkScope = new PointerScope()) {
                    int rows = Math.min(chunk, queryCount - start);
                    var top = queries.narrow(0, start, rows).to(ScalarType.Float).mm(corpusT).topk(k, 1, true, true);
                    float[] topScores = Tensors.toFloats(top.get0());
                    long[] topIndices = Tensors.toLongs(top.get1());
                    for (int r = 0; r < rows; r++) {
                        scores[start + r] = Arrays.copyOfRange(topScores, r * k, (r + 1) * k);
                        indices[start + r] = new int[k];
                        for (int i = 0; i < k; i++) indices[start + r][i] = (int) topIndices[r * k + i];
                    }
                }
            }
        }
        return new Hits(indices, scores);
    }

    /** The inner product of a[aOffset, +dim) and b[bOffset, +dim), summed in float32 in index order. */
    static float score(float[] a, int aOffset, float[] b, int bOffset, int dim) {
        float sum = 0;
        for (int i = 0; i < dim; i++) sum += a[aOffset + i] * b[bOffset + i];
        return sum;
    }

    private static float[] flatten(float[][] rows, int dim, String what) {
        float[] flat = new float[rows.length * dim];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != dim) {
                throw new IllegalArgumentException(what + " vector " + i + " has dimension " + rows[i].length
                        + " but the corpus dimension is " + dim);
            }
            System.arraycopy(rows[i], 0, flat, i * dim, dim);
        }
        return flat;
    }

    /** (score, index) a is worse than b: lower score, or the same score and a higher index. */
    static boolean worse(float scoreA, int indexA, float scoreB, int indexB) {
        int c = Float.compare(scoreA, scoreB);
        return c < 0 || (c == 0 && indexA > indexB);
    }

    /** A binary min-heap of at most k candidates whose root is the worst kept, so a better one replaces it in O(log k). */
    private static final class TopK {
        private final float[] scores;
        private final int[] indices;
        private int size;

        TopK(int k) {
            scores = new float[k];
            indices = new int[k];
        }

        void offer(float score, int index) {
            if (size < scores.length) {
                int i = size++;
                while (i > 0) { // sift up
                    int parent = (i - 1) / 2;
                    if (!worse(score, index, scores[parent], indices[parent])) break;
                    scores[i] = scores[parent];
                    indices[i] = indices[parent];
                    i = parent;
                }
                scores[i] = score;
                indices[i] = index;
            } else if (worse(scores[0], indices[0], score, index)) {
                siftDown(score, index);
            }
        }

        /** Puts (score, index) at the root's place and sifts it down to where it belongs. */
        private void siftDown(float score, int index) {
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) break;
                if (child + 1 < size && worse(scores[child + 1], indices[child + 1], scores[child], indices[child])) child++;
                if (!worse(scores[child], indices[child], score, index)) break;
                scores[i] = scores[child];
                indices[i] = indices[child];
                i = child;
            }
            scores[i] = score;
            indices[i] = index;
        }

        /** Empties the heap worst first into the arrays' ends, leaving them best first. */
        void drainBestFirst(int[] outIndices, float[] outScores) {
            for (int slot = size - 1; slot >= 0; slot--) {
                outIndices[slot] = indices[0];
                outScores[slot] = scores[0];
                size--;
                if (size > 0) siftDown(scores[size], indices[size]);
            }
        }
    }
}
