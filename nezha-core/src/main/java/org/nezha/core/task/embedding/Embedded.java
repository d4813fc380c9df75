package org.nezha.core.task.embedding;

/**
 * The prediction for one example: its texts' unit vectors (none for the lexical baseline) and the
 * cosine of its first text with its second (NaN for a single text) and with its hard negative (NaN
 * without one).
 */
public record Embedded(float[][] vectors, double similarity, double negativeSimilarity) {
    static Embedded of(float[][] vectors) {
        return new Embedded(vectors, vectors.length > 1 ? dot(vectors[0], vectors[1]) : Double.NaN,
                vectors.length > 2 ? dot(vectors[0], vectors[2]) : Double.NaN);
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) sum += (double) a[i] * b[i];
        return sum;
    }
}
