package org.nezha.core.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.nezha.core.tensor.Tensors;

class ExactSearchTest {

    @Test
    void handComputedTopTwo() {
        float[][] corpus = {{1, 0}, {0, 1}, {0.6f, 0.8f}, {-1, 0}};
        float[][] queries = {{1, 0}, {0, -1}};

        ExactSearch.Hits hits = ExactSearch.topK(corpus, queries, 2);

        assertArrayEquals(new int[] {0, 2}, hits.indices()[0]); // scores 1, 0.6
        assertArrayEquals(new float[] {1, 0.6f}, hits.scores()[0]);
        assertArrayEquals(new int[] {0, 3}, hits.indices()[1]); // scores 0, 0 (tie: lower index), -1, -0.8
        assertArrayEquals(new float[] {0, 0}, hits.scores()[1]);
    }

    @Test
    void tiesGoToTheLowerIndex() {
        float[][] corpus = {{1, 1}, {2, 0}, {0, 2}, {1, 1}, {2, 0}, {0, 0}};
        ExactSearch.Hits hits = ExactSearch.topK(corpus, new float[][] {{1, 1}}, 6); // every row but the last scores 2
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, hits.indices()[0]);
        hits = ExactSearch.topK(corpus, new float[][] {{1, 1}}, 3);
        assertArrayEquals(new int[] {0, 1, 2}, hits.indices()[0]);
    }

    /** Against a full sort by (score descending, index ascending); small integer data gives many exact ties. */
    @ParameterizedTest(name = "corpus {0}, dim {1}, queries {2}, integer values {3}")
    @CsvSource({
        "1, 4, 3, false", "7, 3, 5, false", "100, 16, 9, false", "1000, 8, 20, false",
        "50, 2, 10, true", "500, 3, 10, true",
    })
    void matchesAFullSort(int corpusSize, int dim, int queryCount, boolean integers) {
        Random random = new Random(corpusSize * 31L + dim);
        float[] corpus = randomVectors(random, corpusSize, dim, integers);
        float[] queries = randomVectors(random, queryCount, dim, integers);
        for (int k : IntStream.of(1, 10, corpusSize).filter(k -> k <= corpusSize).distinct().toArray()) {
            ExactSearch.Hits hits = ExactSearch.topK(corpus, queries, dim, k);
            assertEquals(queryCount, hits.indices().length);
            for (int q = 0; q < queryCount; q++) {
                int query = q;
                Integer[] order = IntStream.range(0, corpusSize).boxed().toArray(Integer[]::new);
                float[] scores = new float[corpusSize];
                for (int i = 0; i < corpusSize; i++) scores[i] = ExactSearch.score(queries, query * dim, corpus, i * dim, dim);
                Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i));
                int[] expected = Arrays.stream(order).limit(k).mapToInt(Integer::intValue).toArray();
                assertArrayEquals(expected, hits.indices()[q], "query " + q + ", k " + k);
                for (int r = 0; r < k; r++) assertEquals(scores[expected[r]], hits.scores()[q][r]);
            }
        }
    }

    private static float[] randomVectors(Random random, int count, int dim, boolean integers) {
        float[] v = new float[count * dim];
        for (int i = 0; i < v.length; i++) v[i] = integers ? random.nextInt(3) - 1 : (float) random.nextGaussian();
        return v;
    }

    @Test
    void rowAndFlatInputsAgree() {
        Random random = new Random(5);
        float[] corpus = randomVectors(random, 30, 4, false), queries = randomVectors(random, 3, 4, false);
        float[][] corpusRows = new float[30][], queryRows = new float[3][];
        for (int i = 0; i < 30; i++) corpusRows[i] = Arrays.copyOfRange(corpus, i * 4, i * 4 + 4);
        for (int i = 0; i < 3; i++) queryRows[i] = Arrays.copyOfRange(queries, i * 4, i * 4 + 4);
        assertArrayEquals(ExactSearch.topK(corpus, queries, 4, 5).indices(), ExactSearch.topK(corpusRows, queryRows, 5).indices());
    }

    @Test
    void badKIsRejectedWithTheRange() {
        float[][] corpus = {{1, 0}, {0, 1}, {1, 1}};
        float[][] queries = {{1, 0}};
        assertEquals("k must be in [1, corpus size 3], got 0",
                assertThrows(IllegalArgumentException.class, () -> ExactSearch.topK(corpus, queries, 0)).getMessage());
        assertEquals("k must be in [1, corpus size 3], got 4",
                assertThrows(IllegalArgumentException.class, () -> ExactSearch.topK(corpus, queries, 4)).getMessage());
        assertEquals("k must be in [1, corpus size 0], got 1",
                assertThrows(IllegalArgumentException.class, () -> ExactSearch.topK(new float[0], new float[2], 2, 1)).getMessage());
    }

    @Test
    void mismatchedDimensionNamesBoth() {
        float[][] corpus = {{1, 0, 0}, {0, 1, 0}};
        assertEquals("query vector 1 has dimension 2 but the corpus dimension is 3",
                assertThrows(IllegalArgumentException.class,
                        () -> ExactSearch.topK(corpus, new float[][] {{1, 0, 0}, {1, 0}}, 1)).getMessage());
        assertEquals("corpus vector 1 has dimension 4 but the corpus dimension is 3",
                assertThrows(IllegalArgumentException.class,
                        () -> ExactSearch.topK(new float[][] {{1, 0, 0}, {0, 1, 0, 0}}, new float[][] {{1, 0, 0}}, 1)).getMessage());
        assertEquals("query dimension does not match corpus dimension 3: 4 floats is not a whole number of 3-dim vectors",
                assertThrows(IllegalArgumentException.class,
                        () -> ExactSearch.topK(new float[6], new float[4], 3, 1)).getMessage());
    }

    @Test
    void noQueriesGiveNoHits() {
        assertEquals(0, ExactSearch.topK(new float[][] {{1}}, new float[0][], 1).indices().length);
    }

    /** libtorch's matmul + topk against the array search: same scores rank by rank (to float32 rounding), each hit's own score. */
    @ParameterizedTest(name = "corpus {0}, dim {1}, queries {2}, k {3}")
    @CsvSource({"1, 4, 3, 1", "100, 16, 9, 10", "1000, 8, 20, 1000", "300, 5, 40, 7"})
    void tensorSearchAgreesWithArraySearch(int corpusSize, int dim, int queryCount, int k) {
        Random random = new Random(corpusSize + 17L * dim);
        float[] corpus = randomVectors(random, corpusSize, dim, false);
        float[] queries = randomVectors(random, queryCount, dim, false);
        ExactSearch.Hits expected = ExactSearch.topK(corpus, queries, dim, k);
        try (PointerScope scope = new PointerScope()) {
            ExactSearch.Hits actual = ExactSearch.topK(Tensors.floats(corpus, corpusSize, dim),
                    Tensors.floats(queries, queryCount, dim), k);
            for (int q = 0; q < queryCount; q++) {
                for (int r = 0; r < k; r++) {
                    assertEquals(expected.scores()[q][r], actual.scores()[q][r], 1e-4f, "query " + q + " rank " + r);
                    float own = ExactSearch.score(queries, q * dim, corpus, actual.indices()[q][r] * dim, dim);
                    assertEquals(own, actual.scores()[q][r], 1e-4f, "query " + q + " rank " + r);
                }
            }
        }
    }

    @Test
    void tensorSearchHandCaseAndErrors() {
        try (PointerScope scope = new PointerScope()) {
            var corpus = Tensors.floats(new float[] {1, 0, 0, 1, 0.6f, 0.8f, -1, 0}, 4, 2);
            ExactSearch.Hits hits = ExactSearch.topK(corpus, Tensors.floats(new float[] {1, 0}, 1, 2), 3);
            assertArrayEquals(new int[] {0, 2, 1}, hits.indices()[0]);
            assertArrayEquals(new float[] {1, 0.6f, 0}, hits.scores()[0], 1e-6f);
            assertEquals("query dimension 3 does not match corpus dimension 2",
                    assertThrows(IllegalArgumentException.class,
                            () -> ExactSearch.topK(corpus, Tensors.floats(new float[3], 1, 3), 1)).getMessage());
            assertEquals("k must be in [1, corpus size 4], got 5",
                    assertThrows(IllegalArgumentException.class,
                            () -> ExactSearch.topK(corpus, Tensors.floats(new float[2], 1, 2), 5)).getMessage());
        }
    }
}
