package org.nezha.core.data;

import java.nio.file.Path;

/**
 * One example of a task file. textB is null for single texts, negative (a hard negative for sentence
 * embeddings) null unless the file has one, label null when the file has none; file and line say
 * where it came from, for error messages.
 */
public record TaskExample(String id, String textA, String textB, String negative, String label, Path file, long line) {
    /** An example without a hard negative, as classification files hold them. */
    public TaskExample(String id, String textA, String textB, String label, Path file, long line) {
        this(id, textA, textB, null, label, file, line);
    }

    /** How many texts the example holds: 1, 2 or 3. */
    public int textCount() {
        return negative != null ? 3 : textB != null ? 2 : 1;
    }
}
