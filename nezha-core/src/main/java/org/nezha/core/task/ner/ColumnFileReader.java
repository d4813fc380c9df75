package org.nezha.core.task.ner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.nezha.core.InputException;
import org.nezha.core.data.Utf8LineReader;

/**
 * Token-per-line files as CoNLL and the Chinese NER sets write them: {@code TOKEN<TAB>TAG} (or columns
 * separated by spaces, the tag last, as CoNLL-2003), a blank line between sentences, {@code -DOCSTART-}
 * lines skipped. The tag scheme is the file's own (BMES if it has M- tags, BIOES if E- or S-, else BIO);
 * tags that break it are read as seqeval reads them and counted. Without labels the tag column may be absent
 * and is ignored.
 */
final class ColumnFileReader {
    private ColumnFileReader() {}

    /** A sentence as read: its tokens, their tags (null without labels) and its first line. */
    private record Lines(List<String> words, List<String> tags, long line) {}

    static List<NerExample> read(Path file, boolean labelled) {
        List<Lines> sentences = new ArrayList<>();
        Map<Character, Long> firstLineOfPrefix = new HashMap<>();
        boolean characters = true;
        try (Utf8LineReader lines = Utf8LineReader.open(file)) {
            Lines current = null;
            for (String line; (line = lines.nextLine()) != null; ) {
                long number = lines.lineNumber();
                String[] columns = columns(line);
                if (columns.length == 0 || columns[0].equals("-DOCSTART-")) {
                    current = null;
                    continue;
                }
                if (columns[0].isEmpty()) throw InputException.at(file, number, "empty token before the tab");
                String tag = columns.length > 1 ? columns[columns.length - 1] : null;
                if (labelled) {
                    if (tag == null) throw InputException.at(file, number, "no tag column (expected TOKEN<TAB>TAG)");
                    if (!TagScheme.wellFormed(tag)) {
                        throw InputException.at(file, number, "tag \"" + tag + "\" is neither O nor B-, I-, E-, S- or M- with a type");
                    }
                    if (!tag.equals(TagScheme.OUTSIDE)) firstLineOfPrefix.putIfAbsent(TagScheme.prefix(tag), number);
                }
                if (current == null) {
                    current = new Lines(new ArrayList<>(), new ArrayList<>(), number);
                    sentences.add(current);
                }
                current.words.add(columns[0]);
                current.tags.add(tag);
                characters &= columns[0].codePointCount(0, columns[0].length()) == 1;
            }
        }
        TagScheme scheme = labelled ? scheme(firstLineOfPrefix, file) : null;
        List<NerExample> examples = new ArrayList<>(sentences.size());
        for (Lines s : sentences) examples.add(example(s, characters, scheme, file));
        return examples;
    }

    /** The token (first column) and the tag (last): split at tabs when the line has one, else at spaces; none for a blank line. */
    private static String[] columns(String line) {
        if (line.chars().allMatch(c -> c == ' ' || c == '\t')) return new String[0];
        if (line.indexOf('\t') >= 0) return line.split("\t"); // the token may be a space
        return line.strip().split(" +");
    }

    private static TagScheme scheme(Map<Character, Long> firstLineOfPrefix, Path file) {
        TagScheme scheme = TagScheme.of(firstLineOfPrefix.keySet());
        if (scheme == null) {
            long line = Math.max(firstLineOfPrefix.get('I'), firstLineOfPrefix.get('M'));
            throw InputException.at(file, line, "M- tags (BMES) and I- tags (BIO, BIOES) in one file");
        }
        return scheme;
    }

    /** Characters are written one after another (Chinese data), words with spaces between them. */
    private static NerExample example(Lines s, boolean characters, TagScheme scheme, Path file) {
        String text = String.join(characters ? "" : " ", s.words);
        int[] starts = NerReader.starts(s.words, characters ? 0 : 1);
        if (scheme == null) return new NerExample(null, text, List.copyOf(s.words), starts, null, file, s.line, true, null, 0);
        List<Span> entities = SeqevalChunks.of(s.tags);
        List<String> repaired = scheme.tags(entities, s.words.size());
        int changed = 0;
        for (int i = 0; i < repaired.size(); i++) if (!repaired.get(i).equals(s.tags.get(i))) changed++;
        return new NerExample(null, text, List.copyOf(s.words), starts, entities, file, s.line, true, scheme, changed);
    }
}
