package org.nezha.core.corpus.jieba;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The data files of jieba-analysis' jar (Apache-2.0; its dict.txt is jieba's, MIT), as bytes. */
final class JiebaResources {
    private JiebaResources() {}

    static byte[] bytes(String name) {
        try (InputStream in = JiebaResources.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("jieba-analysis' " + name + " is not on the class path");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading jieba-analysis' " + name, e);
        }
    }
}
