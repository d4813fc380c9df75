package org.nezha.core.retrieval;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.nezha.core.InputException;
import org.nezha.core.io.AtomicDirectories;
import org.nezha.core.io.Npy;
import org.nezha.core.io.OutputPaths;
import org.nezha.core.pipeline.Progress;

/**
 * A searchable on-disk index of L2-normalised vectors (similarity: their dot product, i.e. cosine) with a
 * string id and an optional text per vector. A directory holds
 * <ul>
 *   <li>{@code index.json}: the {@link IndexManifest} (format, size, dimension, model identity, HNSW settings);</li>
 *   <li>{@code docs.jsonl}: {@code {"id": …, "text": …}} per vector, in vector order;</li>
 *   <li>{@code vectors.npy}: the vectors as a float32 NumPy matrix, for exact search and recall checks;</li>
 *   <li>{@code hnsw/}: a Lucene index whose HNSW graph answers approximate searches.</li>
 * </ul>
 * It is written whole or not at all. Searches return vector row numbers; {@link #id} and {@link #text} name them.
 */
public final class VectorIndex implements Closeable {
    /** How a search finds its neighbours. */
    public enum Mode {
        /** Walk the HNSW graph: approximate, fast. */
        HNSW,
        /** Score every vector: exact, linear in the index size. */
        EXACT
    }

    public static final String MANIFEST = "index.json", DOCS = "docs.jsonl", VECTORS = "vectors.npy", HNSW_DIR = "hnsw";
    /** How far a vector's squared L2 norm may be from 1: float32 rounding of a normalised vector stays far below. */
    private static final double NORM_TOLERANCE = 1e-3;
    /** What Lucene's HNSW format takes. */
    private static final int MAX_DIMENSION = 1024;

    private final Path dir;
    private final IndexManifest manifest;
    private final IndexDocs docs;
    private final LuceneHnswIndex hnsw;
    /** vectors.npy, read at the first exact search: approximate search alone does not need it in memory. */
    private float[] vectors;

    private VectorIndex(Path dir, IndexManifest manifest, IndexDocs docs, LuceneHnswIndex hnsw) {
        this.dir = dir;
        this.manifest = manifest;
        this.docs = docs;
        this.hnsw = hnsw;
    }

    /**
     * Builds an index of {@code vectors} (row-major, {@code dimension} floats each, L2-normalised) in {@code dir}.
     *
     * @param texts     null, or one text per id (null where a document has none)
     * @param overwrite replace what {@code dir} holds; without it {@code dir} must be missing or empty
     * @return the new index's manifest
     */
    public static IndexManifest build(Path dir, float[] vectors, int dimension, List<String> ids, List<String> texts,
            ModelIdentity model, HnswSettings hnsw, boolean overwrite, Progress progress) {
        long start = System.nanoTime();
        if (dimension < 1 || dimension > MAX_DIMENSION) {
            throw new InputException("vector dimension must be in [1, " + MAX_DIMENSION + "], got " + dimension);
        }
        if (vectors.length % dimension != 0 || vectors.length / dimension != ids.size()) {
            throw new InputException(vectors.length + " floats are not " + ids.size() + " vectors of dimension " + dimension
                    + ": give one vector per id");
        }
        if (ids.isEmpty()) throw new InputException("no vectors to index");
        IndexDocs docs = new IndexDocs(ids, texts);
        requireNormalised(vectors, dimension, ids);
        OutputPaths.requireUsableDirectory(dir, overwrite);
        IndexManifest[] built = new IndexManifest[1];
        AtomicDirectories.replace(dir, staging -> {
            docs.write(staging.resolve(DOCS));
            Npy.write(staging.resolve(VECTORS), vectors, dimension);
            LuceneHnswIndex.build(staging.resolve(HNSW_DIR), vectors, dimension, hnsw, progress);
            built[0] = IndexManifest.of(ids.size(), dimension, model, hnsw, (System.nanoTime() - start) / 1e9);
            built[0].write(staging.resolve(MANIFEST));
        });
        return built[0];
    }

    private static void requireNormalised(float[] vectors, int dimension, List<String> ids) {
        for (int row = 0; row < ids.size(); row++) {
            double squaredNorm = 0;
            for (int i = row * dimension; i < (row + 1) * dimension; i++) squaredNorm += (double) vectors[i] * vectors[i];
            if (!(Math.abs(squaredNorm - 1) <= NORM_TOLERANCE)) {
                throw new InputException(String.format(Locale.ROOT, "vector %d (id '%s') has L2 norm %.4g: the index takes "
                        + "L2-normalised vectors", row, ids.get(row), Math.sqrt(squaredNorm)));
            }
        }
    }

    /** Opens the index in {@code dir}; a missing, corrupt or foreign part is an {@link InputException} naming the file. */
    public static VectorIndex open(Path dir) {
        IndexManifest manifest = IndexManifest.read(dir.resolve(MANIFEST));
        IndexDocs docs = IndexDocs.read(dir.resolve(DOCS), manifest.count());
        return new VectorIndex(dir, manifest, docs, LuceneHnswIndex.open(dir.resolve(HNSW_DIR), manifest.count()));
    }

    public int size() {
        return manifest.count();
    }

    public int dimension() {
        return manifest.dimension();
    }

    public ModelIdentity model() {
        return manifest.model();
    }

    public IndexManifest manifest() {
        return manifest;
    }

    public String id(int row) {
        return docs.ids().get(row);
    }

    /** The text of vector {@code row}, null when it has none. */
    public String text(int row) {
        return docs.text(row);
    }

    /**
     * The k best rows of each query, best first, scored by dot product.
     *
     * @param queries        row-major query vectors (L2-normalised, for cosine scores)
     * @param queryDimension the queries' dimension, which must be the index's
     * @param efSearch       HNSW: candidates the graph search keeps (max(k, efSearch)); more raises recall and
     *                       latency. Ignored by EXACT.
     */
    public ExactSearch.Hits search(float[] queries, int queryDimension, int k, Mode mode, int efSearch) {
        if (queryDimension != dimension()) {
            throw new InputException("query vectors have dimension " + queryDimension + ", the index " + dimension());
        }
        if (queries.length % queryDimension != 0) {
            throw new InputException(queries.length + " query floats are not a whole number of " + queryDimension + "-dim vectors");
        }
        if (k < 1 || k > size()) throw new InputException("k must be in [1, " + size() + "] (the index size), got " + k);
        return switch (mode) {
            case EXACT -> ExactSearch.topK(vectors(), queries, dimension(), k);
            case HNSW -> {
                if (efSearch < 1) throw new InputException("efSearch must be at least 1, got " + efSearch);
                yield hnsw.search(queries, dimension(), k, efSearch);
            }
        };
    }

    private synchronized float[] vectors() {
        if (vectors == null) {
            Path file = dir.resolve(VECTORS);
            Npy.Matrix matrix = Npy.read(file);
            if (matrix.rows() != size() || matrix.columns() != dimension()) {
                throw InputException.in(file, "holds " + matrix.rows() + " × " + matrix.columns() + " floats; the index has "
                        + size() + " vectors of dimension " + dimension());
            }
            vectors = matrix.values();
        }
        return vectors;
    }

    @Override
    public void close() {
        try {
            hnsw.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
