package org.nezha.core.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.nezha.core.InputException;
import org.nezha.core.config.NezhaConfig;
import org.nezha.core.model.ModelFamily;

/**
 * The config a checkpoint comes with, made into this engine's (HF's) config: found beside the
 * weights when not given, its family decided (an explicit choice, HF's {@code model_type},
 * ALBERT's fields, Huawei's {@code use_relative_position}, else whether the checkpoint has absolute
 * position embeddings), and the family's fields set so HF and this engine read it the same way.
 */
public final class ImportedConfig {
    /** What checkpoints ship their config as: HF's name, then the TensorFlow releases' names. */
    public static final List<String> NAMES = List.of("config.json", "bert_config.json", "albert_config.json");

    private ImportedConfig() {}

    /** {@code explicit} if given, else the first of {@link #NAMES} in the checkpoint's directory; null when there is none. */
    public static Path locate(Path explicit, CheckpointSource source) {
        if (explicit != null) return explicit;
        for (String name : NAMES) {
            Path beside = source.path().resolveSibling(name);
            if (Files.isRegularFile(beside)) return beside;
        }
        return null;
    }

    /** Reads {@code file} as the config of {@code source}'s model; {@code family} (may be null) overrides what the file says. */
    public static NezhaConfig read(Path file, ModelFamily family, CheckpointSource source) {
        NezhaConfig raw = NezhaConfig.read(file);
        ModelFamily chosen = family != null ? family : familyOf(file, raw, source);
        NezhaConfig mapped = raw.with("model_type", chosen.name().toLowerCase(Locale.ROOT));
        mapped = switch (chosen) {
            case NEZHA -> mapped.with("position_embedding_type", NezhaConfig.RELATIVE_FUNCTIONAL);
            case BERT, ALBERT -> mapped.with("position_embedding_type", NezhaConfig.ABSOLUTE);
        };
        return NezhaConfig.parse(mapped.toJson(), file.toString());
    }

    private static ModelFamily familyOf(Path file, NezhaConfig raw, CheckpointSource source) {
        String type = raw.text("model_type");
        if (type != null) {
            for (ModelFamily f : ModelFamily.values()) if (f.name().equalsIgnoreCase(type)) return f;
            throw InputException.in(file, "model_type \"" + type + "\" is not one this engine runs (nezha, bert, albert)");
        }
        if (raw.text("embedding_size") != null || raw.text("num_hidden_groups") != null || raw.text("inner_group_num") != null) {
            return ModelFamily.ALBERT;
        }
        ModelFamily guessed = guessFamily(source);
        String relative = raw.text("use_relative_position");
        if (relative == null || guessed == ModelFamily.ALBERT) return guessed;
        return Boolean.parseBoolean(relative) ? ModelFamily.NEZHA : ModelFamily.BERT;
    }

    /** The family the tensor names suggest: ALBERT's factorised embeddings, else absolute positions (BERT) or none (NEZHA). */
    public static ModelFamily guessFamily(CheckpointSource source) {
        List<StoredTensor> tensors = source.tensors();
        if (tensors.stream().anyMatch(t -> t.name().contains("embedding_hidden_mapping_in") || t.name().startsWith("albert."))) {
            return ModelFamily.ALBERT;
        }
        boolean absolute = tensors.stream().anyMatch(t -> t.name().matches(".*position_embeddings(\\.weight)?"));
        return absolute ? ModelFamily.BERT : ModelFamily.NEZHA;
    }
}
