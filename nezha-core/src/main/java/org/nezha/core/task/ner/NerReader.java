package org.nezha.core.task.ner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.nezha.core.data.Utf8LineReader;

/**
 * Reads NER files in either format: JSON Lines ({@code .jsonl}/{@code .json}, or a first line that is a JSON
 * object) with character-offset entities, else token-per-line column files (CoNLL style).
 */
public final class NerReader {
    private NerReader() {}

    /** The file's sentences in file order; {@code labelled} requires (and checks) the gold tags or entities. */
    public static List<NerExample> read(Path file, boolean labelled) {
        return isJsonLines(file) ? EntityJsonlReader.read(file, labelled) : ColumnFileReader.read(file, labelled);
    }

    private static boolean isJsonLines(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".json")) return true;
        try (Utf8LineReader lines = Utf8LineReader.open(file)) {
            for (String line; (line = lines.nextLine()) != null; ) {
                String s = line.strip();
                if (!s.isEmpty()) return s.startsWith("{") && s.endsWith("}"); // a column line would end in its tag
            }
        }
        return false;
    }

    /** The code-point offsets at which {@code words}, written one after another with {@code gap} between them, start. */
    static int[] starts(List<String> words, int gap) {
        int[] starts = new int[words.size()];
        int at = 0;
        for (int i = 0; i < words.size(); i++) {
            starts[i] = at;
            at += words.get(i).codePointCount(0, words.get(i).length()) + gap;
        }
        return starts;
    }

    /** Each code point of {@code text} as a word of its own. */
    static List<String> codePoints(String text) {
        List<String> words = new ArrayList<>(text.length());
        text.codePoints().forEach(c -> words.add(Character.toString(c)));
        return words;
    }
}
