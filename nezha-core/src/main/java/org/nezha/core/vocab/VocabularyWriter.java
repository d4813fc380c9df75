package org.nezha.core.vocab;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.nezha.core.io.AtomicFiles;

/** Writes {@code vocab.txt} as HF's {@code save_model} does: one token per line, in id order, each line ending in LF. */
public final class VocabularyWriter {
    private VocabularyWriter() {}

    /** Written whole or not at all ({@link AtomicFiles}). */
    public static void write(Path file, List<String> tokens) {
        for (String token : tokens) {
            if (token.isEmpty() || token.indexOf('\n') >= 0 || token.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("a vocab.txt token must be non-empty and on one line: " + token);
            }
        }
        AtomicFiles.writeStream(file, out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            for (String token : tokens) writer.write(token + "\n");
            writer.flush();
        });
    }
}
