package org.nezha.cli;

import java.nio.file.Path;
import java.util.List;

import org.nezha.core.InputException;
import org.nezha.core.model.SentencePooling;
import org.nezha.core.pipeline.Progress;
import org.nezha.core.pipeline.SentenceEncoder;

/**
 * A sentence encoder as the options asked for it: its pooling (null: the model's), batches and text length,
 * and whether texts are batched by length.
 */
record TextEmbedder(String pooling, InferenceOptions inference, boolean lengthSorted) {
    SentenceEncoder load(Path model, RuntimeOptions runtime) {
        inference.batchSize();
        if (inference.seqLen != null && inference.seqLen < 3) throw new InputException("--seq-len must be at least 3, got " + inference.seqLen);
        SentencePooling mode = pooling == null ? null : SentencePooling.named(pooling);
        if (pooling != null && mode == null) throw new InputException("--pooling " + pooling + ": choose one of cls, mean, cls-pooler");
        return SentenceEncoder.load(model, runtime.execution(), mode);
    }

    /** The texts' unit vectors, row-major. */
    float[] encode(SentenceEncoder encoder, List<String> texts, String phase, Progress progress) {
        int seqLen = inference.seqLen != null ? inference.seqLen : encoder.defaultSeqLen();
        return encoder.encode(texts, seqLen, inference.batchSize(), lengthSorted, phase, progress);
    }
}
