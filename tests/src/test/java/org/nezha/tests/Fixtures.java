package org.nezha.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Tiny configs and slices of the bundled data, so end-to-end runs take seconds. */
final class Fixtures {
    static final Path DATA = Path.of("../data");
    static final Path VOCAB = DATA.resolve("vocab/vocab.txt");
    static final Path CORPUS = DATA.resolve("corpus/cluecorpussmall_sample.txt");
    static final Path AFQMC_TRAIN = DATA.resolve("afqmc/train.tsv");
    static final Path AFQMC_DEV = DATA.resolve("afqmc/dev.tsv");

    private Fixtures() {}

    static Path tinyConfig(Path dir, int vocabSize, String positions) throws IOException {
        Path file = dir.resolve("config-" + vocabSize + "-" + positions + ".json");
        Files.writeString(file, """
                {"model_type": "nezha", "vocab_size": %d, "hidden_size": 32, "num_hidden_layers": 2,
                 "num_attention_heads": 2, "intermediate_size": 64, "hidden_act": "gelu",
                 "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "max_position_embeddings": 128,
                 "max_relative_position": 16, "type_vocab_size": 2, "initializer_range": 0.02,
                 "layer_norm_eps": 1e-12, "position_embedding_type": "%s", "pad_token_id": 0}
                """.formatted(vocabSize, positions));
        return file;
    }

    static Path tinyConfig(Path dir) throws IOException {
        return tinyConfig(dir, 21128, "relative_functional");
    }

    /** The header and the first {@code n} examples of a TSV file. */
    static Path head(Path source, int n, Path target) throws IOException {
        List<String> lines = Files.readAllLines(source);
        Files.write(target, new ArrayList<>(lines.subList(0, Math.min(lines.size(), n + 1))));
        return target;
    }
}
