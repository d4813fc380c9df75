package org.nezha.core.model;

import java.util.List;

import org.nezha.core.InputException;
import org.nezha.core.config.NezhaConfig;

/** The attention backends users can choose by name, on the command line or in config.json. */
public final class AttentionBackends {
    /** The config.json field naming the backend (HF's name for the same choice). */
    public static final String CONFIG_FIELD = "attn_implementation";
    /** Used when neither the command line nor the config names one. */
    public static final String DEFAULT = "fused";

    private AttentionBackends() {}

    public static List<String> names() {
        return List.of("fused", "eager");
    }

    public static AttentionBackend byName(String name) {
        return switch (name) {
            case "eager" -> new EagerAttention();
            case "fused" -> new FusedAttention();
            default -> throw new InputException("--attention " + name + ": unknown backend (available: "
                    + String.join(", ", names()) + ")");
        };
    }

    /**
     * The backend {@code requested} on the command line; when null, the one the config names in
     * {@value #CONFIG_FIELD}; when neither, {@value #DEFAULT}.
     */
    public static AttentionBackend select(String requested, NezhaConfig config) {
        if (requested != null) return byName(requested);
        String configured = config.text(CONFIG_FIELD);
        if (configured == null) return byName(DEFAULT);
        if (!names().contains(configured)) {
            throw new InputException("config.json " + CONFIG_FIELD + " \"" + configured + "\": unknown attention backend (available: "
                    + String.join(", ", names()) + ")");
        }
        return byName(configured);
    }
}
