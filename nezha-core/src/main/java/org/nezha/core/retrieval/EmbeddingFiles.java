package org.nezha.core.retrieval;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.nezha.core.InputException;
import org.nezha.core.data.JsonLines;
import org.nezha.core.io.AtomicFiles;
import org.nezha.core.io.Npy;

/**
 * Sentence vectors on disk, the format chosen by the file's extension: {@code .npy} (NumPy float32 [N, d],
 * what FAISS and numpy load) with the ids one per line in {@code <name>.ids.txt} beside it, or {@code .jsonl}
 * with one {@code {"id", "embedding"}} object per line. Each file is written whole or not at all.
 */
public final class EmbeddingFiles {
    public enum Format { NPY, JSONL }

    private EmbeddingFiles() {}

    /** The format {@code out}'s extension names; another extension is an error. */
    public static Format format(Path out) {
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npy")) return Format.NPY;
        if (name.endsWith(".jsonl")) return Format.JSONL;
        throw new InputException("--output " + out + ": name it .npy (vectors, with ids in .ids.txt) or .jsonl");
    }

    /** Where the ids of an .npy file go: {@code name.npy} → {@code name.ids.txt}. */
    public static Path idsFile(Path npy) {
        String name = npy.getFileName().toString();
        return npy.resolveSibling(name.substring(0, name.length() - ".npy".length()) + ".ids.txt");
    }

    /** "OUT.npy and OUT.ids.txt", or the JSON Lines file. */
    public static String describe(Path out, Format format) {
        return format == Format.NPY ? out + " and " + idsFile(out) : out.toString();
    }

    /** {@code vectors}: row-major [ids.size(), dim]. */
    public static void write(Path out, Format format, List<String> ids, float[] vectors, int dim) {
        if ((long) ids.size() * dim != vectors.length) {
            throw new IllegalArgumentException(ids.size() + " ids for " + vectors.length + " floats of dimension " + dim);
        }
        if (format == Format.JSONL) {
            writeJsonLines(out, ids, vectors, dim);
            return;
        }
        // ids first: a failed vector write leaves no .npy, and the next run replaces the ids
        AtomicFiles.writeString(idsFile(out), String.join("\n", ids) + "\n");
        Npy.write(out, vectors, dim);
    }

    private static void writeJsonLines(Path out, List<String> ids, float[] vectors, int dim) {
        JsonLines.write(out, ids.size(), i -> {
            Map<String, Object> line = new LinkedHashMap<>(); // id first, on every run (Map.of's order is not fixed)
            line.put("id", ids.get(i));
            line.put("embedding", Arrays.copyOfRange(vectors, i * dim, (i + 1) * dim));
            return line;
        });
    }
}
