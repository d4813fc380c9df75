package org.nezha.core.retrieval;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Which model made an index's vectors, so that queries are embedded by the same one: vectors of two
 * models (or two poolings of one) live in unrelated spaces, and comparing them gives plausible-looking
 * nonsense. The caller computes it; the index stores it and hands it back.
 *
 * @param fingerprint identifies the weights (a digest of the model files), compared to detect a mismatch
 * @param modelPath   where the model was read from (for people; may be null)
 * @param pooling     how token vectors became one vector (cls, mean, …)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelIdentity(@JsonProperty("fingerprint") String fingerprint, @JsonProperty("model_path") String modelPath,
        @JsonProperty("pooling") String pooling) {
    public ModelIdentity {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(pooling, "pooling");
    }
}
