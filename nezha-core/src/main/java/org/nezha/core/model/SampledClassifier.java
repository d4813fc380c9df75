package org.nezha.core.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/** A head's dropout and output layer ({@code classifier.*}, {@code qa_outputs.*}), drawing {@link MultiSampleDropoutHead#dropoutSamples} masks in training. */
final class SampledClassifier {
    private final NezhaEncoder encoder;
    private final double dropout;
    private final String layer;
    private int samples = 1;

    SampledClassifier(NezhaEncoder encoder, double dropout, String layer) {
        this.encoder = encoder;
        this.dropout = dropout;
        this.layer = layer;
    }

    int samples() {
        return samples;
    }

    void samples(int samples) {
        if (samples < 1) throw new IllegalArgumentException("dropout samples must be at least 1, got " + samples);
        this.samples = samples;
    }

    /** layer(dropout(features)), for each sample stacked along dimension 0. */
    Tensor logits(Tensor features, boolean training) {
        int n = training ? samples : 1;
        Tensor[] dropped = new Tensor[n];
        for (int i = 0; i < n; i++) dropped[i] = NezhaEncoder.dropout(features, dropout, training);
        Tensor input = n == 1 ? dropped[0] : torch.cat(new TensorVector(dropped), 0);
        return encoder.linear(input, layer);
    }
}
