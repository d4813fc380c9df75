package org.nezha.cli;

import java.nio.file.Path;
import java.util.List;

import org.nezha.core.OptionChecks;
import org.nezha.core.model.SentencePooling;
import org.nezha.core.pipeline.Progress;
import org.nezha.core.pipeline.SentenceEncoder;
import org.nezha.core.retrieval.IdentifiedTexts;
import org.nezha.core.retrieval.IndexSearch;
import org.nezha.core.retrieval.SearchResults;

/**
 * A sentence encoder as the options asked for it: its pooling (null: the model's), batches and text length,
 * and whether texts are batched by length.
 */
record TextEmbedder(String pooling, InferenceOptions inference, boolean lengthSorted) {
    SentenceEncoder load(Path model, RuntimeOptions runtime) {
        inference.batchSize();
        if (inference.seqLen != null) OptionChecks.atLeast("--seq-len", inference.seqLen, 3);
        return SentenceEncoder.load(model, runtime.execution(), SentencePooling.option(pooling));
    }

    /**
     * The queries' hits in {@code search}'s index, embedded by {@code model} (null: the model the index records),
     * which must be the model that made the index's vectors.
     */
    List<SearchResults.QueryHits> search(IndexSearch search, Path model, IdentifiedTexts queries, RuntimeOptions runtime,
            Progress progress) {
        Path modelDir = model != null ? model : Path.of(search.builtBy().modelPath());
        SentenceEncoder encoder = load(modelDir, runtime);
        search.requireSameModel(encoder.identity(), modelDir);
        return search.search(queries, encode(encoder, queries.texts(), "embed queries", progress));
    }

    /** The texts' unit vectors, row-major. */
    float[] encode(SentenceEncoder encoder, List<String> texts, String phase, Progress progress) {
        int seqLen = inference.seqLen != null ? inference.seqLen : encoder.defaultSeqLen();
        return encoder.encode(texts, seqLen, inference.batchSize(), lengthSorted, phase, progress);
    }
}
