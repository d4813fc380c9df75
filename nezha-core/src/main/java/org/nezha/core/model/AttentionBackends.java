package org.nezha.core.model;

import java.util.List;

import org.nezha.core.InputException;

/** The attention backends users can choose by name. */
public final class AttentionBackends {
    private AttentionBackends() {}

    public static List<String> names() {
        return List.of("eager", "fused");
    }

    public static AttentionBackend byName(String name) {
        if (name.equals("eager")) return new EagerAttention();
        if (name.equals("fused")) return new FusedAttention();
        throw new InputException("--attention " + name + ": unknown backend (available: " + String.join(", ", names()) + ")");
    }
}
