package org.nezha.core.task.ner;

import java.nio.file.Path;
import java.util.List;

/**
 * One sentence to tag: its words (characters for Chinese data) and, when labelled, its gold entities.
 *
 * @param id the input's "id" (JSON Lines), or null
 * @param text the sentence as written out: the JSON line's text, or a column file's tokens (concatenated when
 *     the file has one character per line, else joined by spaces)
 * @param words the units that are tagged, each one a tokenizer word of its own
 * @param starts the code-point offset in {@code text} of each word
 * @param entities the gold entities in word positions, sorted, as seqeval reads the file's tags; null when
 *     read without labels
 * @param line the line of the sentence's first word (a column file) or of its JSON object
 * @param linePerWord whether word i sits on line {@code line + i} (a column file)
 * @param scheme the scheme of the file's tags (column files); null for JSON Lines or without labels
 * @param repairedTags how many of the sentence's tags broke the scheme and were read as seqeval reads them
 *     (an I-X without a B-X before it begins an entity, a type change mid-entity begins another, …)
 */
public record NerExample(String id, String text, List<String> words, int[] starts, List<Span> entities, Path file,
        long line, boolean linePerWord, TagScheme scheme, int repairedTags) {

    public boolean labelled() {
        return entities != null;
    }

    /** The line of word {@code index}, for messages. */
    public long lineOf(int index) {
        return linePerWord ? line + index : line;
    }

    /** The code-point offset in {@link #text} just after word {@code index}. */
    int end(int index) {
        String word = words.get(index);
        return starts[index] + word.codePointCount(0, word.length());
    }

    /** The number of words. */
    int length() {
        return words.size();
    }
}
