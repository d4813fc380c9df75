package org.nezha.core.task.ner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.nezha.core.tokenizer.BertTokenizer;
import org.nezha.core.tokenizer.TokenizerOptions;
import org.nezha.core.tokenizer.Vocab;

/** bert-base-chinese's vocabulary and small files for the NER tests. */
final class NerFixtures {
    static final Path VOCAB = resource("/tokenizer/vocab.txt");
    static final BertTokenizer TOKENIZER = new BertTokenizer(Vocab.load(VOCAB), TokenizerOptions.defaults());

    private NerFixtures() {}

    private static Path resource(String name) {
        try {
            return Path.of(NerFixtures.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code text} to {@code dir/name} and returns the file. */
    static Path file(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
