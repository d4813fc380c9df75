package org.nezha.core.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A task's training file with the examples its reader read from it, as cross-validation splits it: any
 * subset of the examples written back in the file's own format (fold files that {@code finetune} reads
 * as it reads the whole file) and each example's value of a grouping key ({@code --group-by}).
 */
public interface SplittableFile {
    /** The file name's extension with its dot ({@code .tsv}; empty if none): the fold files keep it, so they are read as the file is. */
    String extension();

    /** {@code file}'s name's extension with its dot, empty if none. */
    static String extensionOf(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot);
    }

    /**
     * Writes the examples at {@code chosen} (indices into the examples read, in this order) to {@code target}
     * in the file's format, so that the task's reader reads them back as the same examples in this order.
     */
    void writeSubset(Path target, List<Integer> chosen);

    /**
     * Each example's value of {@code key} (examples sharing one stay in one fold); an {@code InputException}
     * naming the file and {@code option} when the format has no such key.
     */
    List<String> groups(String key, String option);
}
