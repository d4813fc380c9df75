package org.nezha.core.model;

/** A head with a dropout before its classifier, which can draw several dropout masks there (multi-sample dropout). */
public interface MultiSampleDropoutHead {
    /**
     * From now on a training forward's logits stack {@code samples} passes of the features through their own
     * dropout mask and the shared classifier along the batch: [samples·B, …], sample i in rows i·B … (i + 1)·B − 1.
     * Evaluation's logits (no dropout) stay one sample.
     */
    void dropoutSamples(int samples);
}
