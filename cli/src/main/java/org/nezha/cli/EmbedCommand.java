package org.nezha.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import org.nezha.core.io.OutputPaths;
import org.nezha.core.pipeline.SentenceEncoder;
import org.nezha.core.retrieval.EmbeddingFiles;
import org.nezha.core.retrieval.IdentifiedTexts;

/** {@code nezha embed}: texts to sentence vectors. */
@Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Embed texts with a sentence-embedding model (nezha finetune --task embedding) or any encoder "
                + "(--pooling picks the vector; an untrained baseline).",
                "Input: JSON Lines, one {\"id\": …, \"text\": …} per line. Output by extension: OUT.npy writes the vectors as a "
                        + "NumPy float32 [N, hidden] array and their ids beside it, one per line, in OUT.ids.txt; OUT.jsonl "
                        + "writes {\"id\": …, \"embedding\": [...]} lines. Vectors are L2-normalised (dot product = cosine) "
                        + "and in input order; texts are batched by length."})
final class EmbedCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory.")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "Texts to embed (JSON Lines with id and text).")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT",
            description = "OUT.npy (with OUT.ids.txt) or OUT.jsonl; replaced whole, missing parent directories created.")
    Path output;

    @Mixin EncoderOptions encoderOptions;

    @Mixin RuntimeOptions runtime;

    @Override
    public Integer call() {
        runtime.apply();
        EmbeddingFiles.Format format = EmbeddingFiles.format(output);
        OutputPaths.requireWritableFile(output);
        SentenceEncoder encoder = encoderOptions.embedder().load(model, runtime);
        IdentifiedTexts texts = IdentifiedTexts.read(input);
        long start = System.nanoTime();
        float[] vectors;
        try (ConsoleProgress progress = ConsoleProgress.on(spec.commandLine().getErr())) {
            vectors = encoderOptions.embedder().encode(encoder, texts.texts(), "embed", progress);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        OutputPaths.createDirectory(output.toAbsolutePath().getParent());
        EmbeddingFiles.write(output, format, texts.ids(), vectors, encoder.dimension());
        spec.commandLine().getOut().println(String.format(Locale.ROOT, "embedded %,d texts (%s pooling, %d dimensions) in %s "
                + "(%,.0f texts/s) -> %s", texts.size(), encoder.pooling(), encoder.dimension(), Summary.duration(seconds),
                texts.size() / seconds, EmbeddingFiles.describe(output, format)));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
