package org.nezha.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How the commands that embed texts (embed, index, search) run the sentence encoder. */
final class EncoderOptions {
    @Option(names = "--pooling", paramLabel = "MODE", description = "cls, mean or cls-pooler. Default: what the model records "
            + "(nezha finetune --task embedding saves it), else mean; giving another than the recorded one is an error.")
    String pooling;

    @Mixin InferenceOptions inference;

    @Option(names = "--no-length-sort", description = "Batch texts in file order instead of by length (more padding, slower; "
            + "for measuring what sorting saves). The vectors are the same up to float rounding.")
    boolean unsorted;

    TextEmbedder embedder() {
        return new TextEmbedder(pooling, inference, !unsorted);
    }
}
