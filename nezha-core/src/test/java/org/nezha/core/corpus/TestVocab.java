package org.nezha.core.corpus;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.nezha.core.tokenizer.BertTokenizer;
import org.nezha.core.tokenizer.TokenizerOptions;
import org.nezha.core.tokenizer.Vocab;

/** bert-base-chinese's vocabulary, the tokenizer tests' fixture. */
final class TestVocab {
    static final Path FILE = resource();
    static final BertTokenizer TOKENIZER = new BertTokenizer(Vocab.load(FILE), TokenizerOptions.defaults());

    private TestVocab() {}

    private static Path resource() {
        try {
            return Path.of(TestVocab.class.getResource("/tokenizer/vocab.txt").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
