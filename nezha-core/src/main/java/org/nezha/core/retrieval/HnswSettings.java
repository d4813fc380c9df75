package org.nezha.core.retrieval;

import com.fasterxml.jackson.annotation.JsonProperty;

import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;

import org.nezha.core.InputException;

/**
 * How the HNSW graph is built.
 *
 * @param m              neighbours kept per node (per layer; twice that on the bottom layer): more raises recall
 *                       and the graph's size and build time
 * @param efConstruction candidates considered when a node's neighbours are chosen: more raises recall and build time
 */
public record HnswSettings(@JsonProperty("m") int m, @JsonProperty("ef_construction") int efConstruction) {
    /** Lucene's defaults. */
    public static final HnswSettings DEFAULT = new HnswSettings(16, 100);

    public HnswSettings {
        if (m < 2 || m > Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN) {
            throw new InputException("HNSW m must be in [2, " + Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN + "], got " + m);
        }
        if (efConstruction < 1 || efConstruction > Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH) {
            throw new InputException("HNSW ef_construction must be in [1, " + Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH
                    + "], got " + efConstruction);
        }
    }
}
