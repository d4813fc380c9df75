package org.nezha.cli;

import java.nio.file.Path;
import java.util.List;

import picocli.CommandLine.Option;

import org.nezha.core.InputException;
import org.nezha.core.OptionChecks;
import org.nezha.core.model.SentencePooling;
import org.nezha.core.pipeline.Progress;
import org.nezha.core.pipeline.SentenceEncoder;

/** How the commands that embed texts (embed, index, search, eval --task retrieval) run the sentence encoder. */
final class EncoderOptions {
    @Option(names = "--pooling", paramLabel = "MODE", description = "cls, mean or cls-pooler. Default: what the model records "
            + "(nezha finetune --task embedding saves it), else cls; giving another than the recorded one is an error.")
    String pooling;

    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "B", description = "Texts per batch. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--seq-len", paramLabel = "L", description = "Maximum tokens per text (longer ones are cut). Default: the "
            + "model's recorded model_max_length, else 128.")
    Integer seqLen;

    @Option(names = "--no-length-sort", description = "Batch texts in file order instead of by length (more padding, slower; "
            + "for measuring what sorting saves). The vectors are the same up to float rounding.")
    boolean unsorted;

    SentenceEncoder load(Path model, RuntimeOptions runtime) {
        OptionChecks.atLeast("--batch-size", batchSize, 1);
        if (seqLen != null) OptionChecks.atLeast("--seq-len", seqLen, 3);
        SentencePooling mode = pooling == null ? null : SentencePooling.named(pooling);
        if (pooling != null && mode == null) throw new InputException("--pooling " + pooling + ": choose one of cls, mean, cls-pooler");
        return SentenceEncoder.load(model, runtime.execution(), mode);
    }

    /** The texts' unit vectors, row-major. */
    float[] encode(SentenceEncoder encoder, List<String> texts, String phase, Progress progress) {
        return encoder.encode(texts, seqLen != null ? seqLen : encoder.defaultSeqLen(), batchSize, !unsorted, phase, progress);
    }
}
