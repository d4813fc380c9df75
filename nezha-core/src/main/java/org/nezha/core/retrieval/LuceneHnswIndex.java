package org.nezha.core.retrieval;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.IOUtils;

import org.nezha.core.InputException;
import org.nezha.core.pipeline.Progress;

/**
 * The HNSW part of a vector index: a Lucene index of one document per vector (the vector with dot-product
 * similarity, and its row number as a doc value), force-merged to one segment so that a search walks one
 * graph rather than one per segment.
 */
final class LuceneHnswIndex implements Closeable {
    private static final String VECTOR_FIELD = "vector", ROW_FIELD = "row";
    /**
     * Vectors buffered in memory per flush. Lucene builds each flushed segment's graph as documents arrive and the
     * final merge grows the largest segment's graph, so big segments mean less graph built twice; Lucene caps one
     * indexing thread's buffer just under 2 GiB.
     */
    private static final double RAM_BUFFER_MB = 1536;

    private final Directory directory;
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    /** Lucene document number → vector row (indexing threads interleave documents, so they differ). */
    private final int[] rowOfDoc;

    private LuceneHnswIndex(Directory directory, DirectoryReader reader, int[] rowOfDoc) {
        this.directory = directory;
        this.reader = reader;
        this.searcher = new IndexSearcher(reader);
        this.searcher.setQueryCache(null); // every query vector is new: caching would only cost
        this.rowOfDoc = rowOfDoc;
    }

    /** Indexes {@code vectors} (row-major, {@code dim} floats each) into the new directory {@code dir}. */
    static void build(Path dir, float[] vectors, int dim, HnswSettings settings, Progress progress) throws IOException {
        int rows = vectors.length / dim;
        int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), rows));
        ExecutorService workers = Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon().name("hnsw-build-", 0).factory());
        try (Directory directory = FSDirectory.open(dir);
             IndexWriter writer = new IndexWriter(directory, writerConfig(settings, threads, workers))) {
            addAll(writer, vectors, dim, threads, workers, progress);
            progress.begin("merging the HNSW graph into one", 1);
            writer.getConfig().setMergePolicy(new TieredMergePolicy());
            writer.forceMerge(1);
            writer.commit();
            progress.advance(1, "");
            progress.end();
        } finally {
            workers.shutdownNow();
        }
    }

    private static IndexWriterConfig writerConfig(HnswSettings settings, int threads, ExecutorService workers) {
        KnnVectorsFormat hnsw = threads > 1
                ? new Lucene99HnswVectorsFormat(settings.m(), settings.efConstruction(), threads, workers)
                : new Lucene99HnswVectorsFormat(settings.m(), settings.efConstruction());
        // Named as the default codec and writing the same per-field format records, so a reader needs no codec of ours.
        Codec codec = new FilterCodec(Codec.getDefault().getName(), Codec.getDefault()) {
            private final KnnVectorsFormat perField = new PerFieldKnnVectorsFormat() {
                @Override
                public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                    return hnsw;
                }
            };

            @Override
            public KnnVectorsFormat knnVectorsFormat() {
                return perField;
            }
        };
        return new IndexWriterConfig()
                .setCodec(codec)
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                .setRAMBufferSizeMB(RAM_BUFFER_MB)
                .setUseCompoundFile(false)
                // merging before the final force-merge would build graphs only to rebuild them
                .setMergePolicy(NoMergePolicy.INSTANCE);
    }

    /** Adds every row, one contiguous share per thread (each thread fills its own in-memory segment and graph). */
    private static void addAll(IndexWriter writer, float[] vectors, int dim, int threads, ExecutorService workers, Progress progress)
            throws IOException {
        int rows = vectors.length / dim;
        AtomicLong added = new AtomicLong();
        List<CompletableFuture<Void>> shares = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int from = (int) ((long) rows * t / threads), to = (int) ((long) rows * (t + 1) / threads);
            shares.add(CompletableFuture.runAsync(() -> {
                try {
                    for (int row = from; row < to; row++) {
                        Document doc = new Document();
                        doc.add(new KnnFloatVectorField(VECTOR_FIELD, Arrays.copyOfRange(vectors, row * dim, (row + 1) * dim),
                                VectorSimilarityFunction.DOT_PRODUCT));
                        doc.add(new NumericDocValuesField(ROW_FIELD, row));
                        writer.addDocument(doc);
                        added.incrementAndGet();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, workers));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(shares.toArray(CompletableFuture[]::new));
        progress.begin("indexing vectors", rows);
        try {
            while (true) {
                try {
                    all.get(250, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException stillRunning) {
                    progress.advance(added.get(), "");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while indexing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException io) throw io.getCause();
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IOException(e.getCause());
        }
        progress.advance(rows, "");
        progress.end();
    }

    /** Opens the index in {@code dir}, which must hold {@code count} vectors in one segment. */
    static LuceneHnswIndex open(Path dir, int count) {
        Directory directory = null;
        DirectoryReader reader = null;
        try {
            directory = FSDirectory.open(dir);
            reader = DirectoryReader.open(directory);
            int vectors = reader.numDocs(), segments = reader.leaves().size();
            if (segments != 1 || vectors != count) {
                throw InputException.in(dir, "holds " + vectors + " vectors in " + segments + " segments; the index has " + count + " in one");
            }
            return new LuceneHnswIndex(directory, reader, rowsOf(reader.leaves().get(0).reader(), count, dir));
        } catch (IOException e) {
            IOUtils.closeWhileHandlingException(reader, directory);
            throw InputException.in(dir, "not a readable Lucene index: " + e.getMessage());
        } catch (RuntimeException e) {
            IOUtils.closeWhileHandlingException(reader, directory);
            throw e;
        }
    }

    private static int[] rowsOf(LeafReader leaf, int count, Path dir) throws IOException {
        int[] rowOfDoc = new int[leaf.maxDoc()];
        NumericDocValues rows = leaf.getNumericDocValues(ROW_FIELD);
        if (rows == null) throw InputException.in(dir, "has no row numbers: not built as a vector index");
        for (int doc = rows.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = rows.nextDoc()) {
            long row = rows.longValue();
            if (row < 0 || row >= count) throw InputException.in(dir, "document " + doc + " has row " + row + " outside [0, " + count + ")");
            rowOfDoc[doc] = (int) row;
        }
        return rowOfDoc;
    }

    /**
     * The approximate k best rows of each query, best first, queries in parallel. The graph search keeps
     * max(k, efSearch) candidates; Lucene's score (1 + dot) / 2 is turned back into the dot product. A query gets
     * fewer than k rows only if the graph search reaches fewer vectors.
     */
    ExactSearch.Hits search(float[] queries, int dim, int k, int efSearch) {
        int queryCount = queries.length / dim, candidates = Math.max(k, efSearch);
        int[][] indices = new int[queryCount][];
        float[][] scores = new float[queryCount][];
        IntStream.range(0, queryCount).parallel().forEach(q -> {
            float[] query = Arrays.copyOfRange(queries, q * dim, (q + 1) * dim);
            TopDocs top;
            try {
                top = searcher.search(new KnnFloatVectorQuery(VECTOR_FIELD, query, candidates), candidates);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            int found = Math.min(k, top.scoreDocs.length);
            indices[q] = new int[found];
            scores[q] = new float[found];
            for (int i = 0; i < found; i++) {
                ScoreDoc hit = top.scoreDocs[i];
                indices[q][i] = rowOfDoc[hit.doc];
                scores[q][i] = 2 * hit.score - 1;
            }
        });
        return new ExactSearch.Hits(indices, scores);
    }

    @Override
    public void close() throws IOException {
        try (directory) {
            reader.close();
        }
    }
}
