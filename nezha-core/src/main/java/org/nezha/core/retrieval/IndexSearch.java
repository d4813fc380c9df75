package org.nezha.core.retrieval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.nezha.core.InputException;
import org.nezha.core.OptionChecks;

/**
 * Queries against a {@link VectorIndex} as {@code nezha search} runs them: the top-k hits of every query as
 * {@link SearchResults}, with the index's ids and texts, leaving out (when asked) a hit that is the query
 * itself — BEIR's ignore_identical_ids, for sets whose queries are in the corpus under the same id.
 */
public final class IndexSearch {
    private final VectorIndex index;
    private final Path where;
    private final int k;
    private final VectorIndex.Mode mode;
    private final int efSearch;
    private final boolean ignoreIdenticalIds;

    /** Checks the options against the index before any query is embedded. */
    public IndexSearch(VectorIndex index, Path where, int k, VectorIndex.Mode mode, int efSearch, boolean ignoreIdenticalIds) {
        if (k < 1 || k > index.size()) {
            throw new InputException("--top-k " + k + ": must be in [1, " + index.size() + "] (" + where + " holds " + index.size() + " texts)");
        }
        OptionChecks.atLeast("--ef-search", efSearch, 1);
        this.index = index;
        this.where = where;
        this.k = k;
        this.mode = mode;
        this.efSearch = efSearch;
        this.ignoreIdenticalIds = ignoreIdenticalIds;
    }

    /** The model that made the index's vectors, as the index records it. */
    public ModelIdentity builtBy() {
        return index.model();
    }

    /** An error unless {@code model} (read from {@code modelDir}) is the model that made the index's vectors. */
    public void requireSameModel(ModelIdentity model, Path modelDir) {
        ModelIdentity built = index.model();
        if (!built.fingerprint().equals(model.fingerprint())) {
            throw new InputException(where + " was built by another model (" + built.modelPath() + ", weights " + built.fingerprint()
                    + ") than " + modelDir + " (weights " + model.fingerprint() + "): search with the index's model, or rebuild the "
                    + "index with nezha index --model " + modelDir);
        }
        if (!built.pooling().equals(model.pooling())) {
            throw new InputException(where + " holds " + built.pooling() + "-pooled vectors; the queries would be " + model.pooling()
                    + "-pooled: leave --pooling out");
        }
    }

    /** Each query's hits, best first, in query order; {@code vectors}: the queries' unit vectors, row-major. */
    public List<SearchResults.QueryHits> search(IdentifiedTexts queries, float[] vectors) {
        int fetch = ignoreIdenticalIds ? Math.min(k + 1, index.size()) : k; // one more, in case the query finds itself
        ExactSearch.Hits hits = index.search(vectors, index.dimension(), fetch, mode, Math.max(efSearch, fetch));
        List<SearchResults.QueryHits> results = new ArrayList<>(queries.size());
        for (int q = 0; q < queries.size(); q++) {
            String queryId = queries.ids().get(q);
            List<SearchResults.Hit> kept = new ArrayList<>(k);
            for (int r = 0; r < fetch && kept.size() < k; r++) {
                int row = hits.indices()[q][r];
                if (ignoreIdenticalIds && index.id(row).equals(queryId)) continue;
                kept.add(new SearchResults.Hit(index.id(row), hits.scores()[q][r], index.text(row), null));
            }
            results.add(new SearchResults.QueryHits(queryId, queries.texts().get(q), kept));
        }
        return results;
    }
}
