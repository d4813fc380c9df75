package org.nezha.core.interop;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.model.ModelFamily;

/**
 * {@code nezha inspect}: what a checkpoint holds (format, every tensor's name, dtype and shape, sizes)
 * and what this engine would make of it (each tensor used under which name or ignored and why, the
 * model weights it lacks), judged against its config when one is found.
 *
 * @param configFile null when no config was given or found beside the checkpoint
 * @param config the config as the engine reads it; null with {@code configFile}
 */
public record CheckpointInspection(String format, Path path, Path configFile, NezhaConfig config, CheckpointPlan plan) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Lists {@code path} (any format {@link CheckpointSources} opens); reads no tensor data. */
    public static CheckpointInspection of(Path path, Path explicitConfig, ModelFamily family) {
        try (CheckpointSource source = CheckpointSources.open(path)) {
            Path configFile = ImportedConfig.locate(explicitConfig, source);
            if (configFile == null) {
                ModelFamily guessed = family != null ? family : ImportedConfig.guessFamily(source);
                return new CheckpointInspection(source.format(), source.path(), null, null, CheckpointPlan.unchecked(source, guessed));
            }
            NezhaConfig config = ImportedConfig.read(configFile, family, source);
            return new CheckpointInspection(source.format(), source.path(), configFile, config, CheckpointPlan.of(source, config));
        }
    }

    /** Elements of every floating-point tensor stored (optimizer slots included). */
    public long storedParameters() {
        return plan.fates().stream().filter(f -> f.stored().isFloatingPoint()).mapToLong(f -> f.stored().elements()).sum();
    }

    /** Elements of the tensors the engine uses: the model's size. */
    public long usedParameters() {
        return plan.used().stream().mapToLong(f -> f.stored().elements()).sum();
    }

    public long storedBytes() {
        return plan.fates().stream().mapToLong(f -> f.stored().bytes()).sum();
    }

    /** Tensors per stored dtype name, sorted. */
    public Map<String, Integer> dtypes() {
        Map<String, Integer> counts = new TreeMap<>();
        for (CheckpointPlan.Fate f : plan.fates()) counts.merge(f.stored().dtypeName(), 1, Integer::sum);
        return counts;
    }

    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("path", path.toString());
        root.put("format", format);
        root.put("family", plan.family().name().toLowerCase(java.util.Locale.ROOT));
        root.put("architecture", plan.architecture());
        root.put("config_file", configFile == null ? null : configFile.toString());
        root.set("config", config == null ? null : configSummary());
        root.put("tensor_count", plan.fates().size());
        root.put("stored_bytes", storedBytes());
        root.put("stored_parameters", storedParameters());
        root.put("used_parameters", usedParameters());
        ObjectNode dtypes = root.putObject("dtypes");
        dtypes().forEach(dtypes::put);
        ObjectNode heads = root.putObject("heads");
        plan.heads().forEach(heads::put);
        ObjectNode ignored = root.putObject("ignored_by_reason");
        plan.ignoredByReason().forEach(ignored::put);
        ArrayNode missing = root.putArray("missing");
        plan.missing().forEach(missing::add);
        ArrayNode tensors = root.putArray("tensors");
        for (CheckpointPlan.Fate f : plan.fates()) {
            ObjectNode t = tensors.addObject();
            t.put("name", f.stored().name());
            t.put("dtype", f.stored().dtypeName());
            ArrayNode shape = t.putArray("shape");
            for (long d : f.stored().shape()) shape.add(d);
            t.put("bytes", f.stored().bytes());
            t.put("use", f.use().name().toLowerCase(java.util.Locale.ROOT));
            t.put("target", f.target());
            if (f.transpose()) t.put("transposed", true);
            if (f.reason() != null) t.put("reason", f.reason());
        }
        return root;
    }

    private ObjectNode configSummary() {
        ObjectNode c = JSON.createObjectNode();
        c.put("model_type", config.modelType());
        c.put("vocab_size", config.vocabSize());
        c.put("hidden_size", config.hiddenSize());
        c.put("num_hidden_layers", config.numHiddenLayers());
        c.put("num_attention_heads", config.numAttentionHeads());
        c.put("intermediate_size", config.intermediateSize());
        c.put("position_embedding_type", config.positionEmbeddingType());
        if (config.hasAbsolutePositions()) c.put("max_position_embeddings", config.maxPositionEmbeddings());
        else c.put("max_relative_position", config.maxRelativePosition());
        if (ModelFamily.of(config) == ModelFamily.ALBERT) {
            c.put("embedding_size", config.embeddingSize());
            c.put("num_hidden_groups", config.numHiddenGroups());
            c.put("inner_group_num", config.innerGroupNum());
        }
        return c;
    }
}
