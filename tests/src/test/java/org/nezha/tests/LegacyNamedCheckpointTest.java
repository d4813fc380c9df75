package org.nezha.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nezha.core.io.SafeTensors;

/**
 * Before BERT models had names of their own, a BERT was saved under {@code nezha.} names, its optimizer
 * moments too: such a pretraining checkpoint still resumes.
 */
class LegacyNamedCheckpointTest {
    @TempDir Path dir;

    @Test
    void aBertCheckpointSavedUnderNezhaNamesResumes() throws Exception {
        Path config = Fixtures.tinyConfig(dir, 21128, "absolute");
        Files.writeString(config, Files.readString(config).replace("\"model_type\": \"nezha\"", "\"model_type\": \"bert\""));
        Path out = dir.resolve("pre");
        List<String> common = List.of("pretrain", "--model-config", config.toString(), "--vocab", Fixtures.VOCAB.toString(), "--train",
                Fixtures.CORPUS.toString(), "--output", out.toString(), "--batch-size", "4", "--seq-len", "32", "--warmup", "0",
                "--checkpoint-every", "1", "--threads", "2");
        Cli first = Cli.run(args(common, "--max-steps", "1"));
        assertEquals(0, first.exitCode(), first.toString());
        Path checkpoint = out.resolve("checkpoint-1");
        for (String file : List.of("model.safetensors", "optimizer.safetensors")) renameBertToNezha(checkpoint.resolve(file));

        Cli resumed = Cli.run(args(common, "--max-steps", "2", "--resume", checkpoint.toString()));
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertTrue(SafeTensors.read(out.resolve("model/model.safetensors")).containsKey("bert.embeddings.word_embeddings.weight"));
    }

    private static String[] args(List<String> common, String... more) {
        return java.util.stream.Stream.concat(common.stream(), java.util.Arrays.stream(more)).toArray(String[]::new);
    }

    /** Rewrites the file as the engine wrote it before: every {@code bert.} in a name as {@code nezha.}. */
    private static void renameBertToNezha(Path file) {
        Map<String, Tensor> renamed = new LinkedHashMap<>();
        SafeTensors.read(file).forEach((name, t) -> renamed.put(name.replace("bert.", "nezha."), t));
        assertTrue(renamed.keySet().stream().anyMatch(n -> n.contains("nezha.encoder.")), file.toString());
        SafeTensors.write(file, renamed, SafeTensors.readMetadata(file));
    }
}
