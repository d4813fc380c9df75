package org.nezha.core.interop.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.nezha.core.InputException;
import org.nezha.core.io.IoErrors;

/** {@code pytorch_model.bin.index.json}: its {@code weight_map} (tensor name → shard file), shards in first-named order. */
record ShardIndex(Path file, Map<Path, Set<String>> shards) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static ShardIndex read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw InputException.in(file, "cannot read the shard index: " + IoErrors.reason(e));
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) throw InputException.in(file, "shard index has no weight_map object");
        Path dir = file.toAbsolutePath().getParent();
        Map<Path, Set<String>> shards = new LinkedHashMap<>();
        map.fields().forEachRemaining(e -> {
            String shard = e.getValue().asText();
            Path path = dir.resolve(shard).normalize();
            // a weight_map is data, not a licence to read files elsewhere on the machine
            if (shard.isEmpty() || !path.getParent().equals(dir.normalize())) {
                throw InputException.in(file, "weight_map names shard '" + shard + "', which is not a file beside the index");
            }
            shards.computeIfAbsent(path, p -> new LinkedHashSet<>()).add(e.getKey());
        });
        for (Path shard : shards.keySet()) {
            if (!Files.isRegularFile(shard)) throw InputException.in(file, "shard " + shard.getFileName() + " named in weight_map is missing");
        }
        return new ShardIndex(file, shards);
    }
}
