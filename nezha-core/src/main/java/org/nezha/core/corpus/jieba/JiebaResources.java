package org.nezha.core.corpus.jieba;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The data files of jieba-analysis' jar (Apache-2.0; its dict.txt is jieba's, MIT), read as its loaders do. */
final class JiebaResources {
    private JiebaResources() {}

    static String text(String name) {
        try (InputStream in = JiebaResources.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("jieba-analysis' " + name + " is not on the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading jieba-analysis' " + name, e);
        }
    }
}
