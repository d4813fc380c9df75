package org.nezha.core.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.InputException;
import org.nezha.core.config.NezhaConfig;
import org.nezha.core.io.AtomicDirectories;
import org.nezha.core.io.IoErrors;
import org.nezha.core.io.OutputPaths;
import org.nezha.core.io.SafeTensors;
import org.nezha.core.model.ModelDirectory;
import org.nezha.core.model.ModelFamily;
import org.nezha.core.pipeline.Progress;
import org.nezha.core.tensor.Tensors;
import org.nezha.core.tokenizer.TokenizerOptions;
import org.nezha.core.tokenizer.Vocab;

/**
 * {@code nezha convert}: a checkpoint of any supported format becomes a model directory that this
 * engine and HF load ({@code config.json}, {@code vocab.txt}, {@code tokenizer_config.json},
 * {@code model.safetensors} under HF names). Tensors stream from the source into the safetensors
 * file one at a time, so memory holds about one tensor (two while a kernel is transposed). Every
 * check that can fail is made from the listing before anything is written; the directory appears
 * whole or not at all.
 */
public final class CheckpointConverter {
    /**
     * @param config null: found beside the checkpoint; vocab likewise
     * @param family null: decided from the config and the checkpoint
     * @param dtype null: every tensor keeps its stored floating-point type
     */
    public record Settings(Path from, Path output, Path config, Path vocab, ModelFamily family, ScalarType dtype, boolean overwrite) {}

    /** What was converted, for the summary. */
    public record Result(String format, Path source, Path output, ModelFamily family, List<String> architectures, int tensors,
                         long parameters, long bytesRead, long bytesWritten, Map<String, Integer> ignoredByReason, long ignoredBytes,
                         List<String> missing, double seconds) {}

    private final Settings s;
    private final Progress progress;

    public CheckpointConverter(Settings settings, Progress progress) {
        this.s = settings;
        this.progress = progress;
    }

    public Result run() {
        long start = System.nanoTime();
        OutputPaths.requireUsableDirectory(s.output(), s.overwrite());
        try (CheckpointSource source = CheckpointSources.open(s.from())) {
            Path configFile = ImportedConfig.locate(s.config(), source);
            if (configFile == null) {
                throw InputException.in(source.path(), "has no " + String.join(", ", ImportedConfig.NAMES)
                        + " beside it; give the model's config with --config");
            }
            NezhaConfig config = ImportedConfig.read(configFile, s.family(), source);
            CheckpointPlan plan = CheckpointPlan.of(source, config);
            requireUsable(plan, source);
            Path vocab = vocabulary(source, configFile);
            requireVocabularyFits(vocab, plan);
            NezhaConfig saved = config.withArchitectures(plan.architecture());
            List<SafeTensors.Spec> specs = new ArrayList<>();
            Map<String, ScalarType> types = new HashMap<>();
            long parameters = 0, bytesRead = 0;
            for (CheckpointPlan.Fate f : plan.used()) {
                ScalarType type = s.dtype() != null ? s.dtype() : f.stored().dtype();
                specs.add(new SafeTensors.Spec(f.target(), type, f.shape()));
                types.put(f.stored().name(), type);
                parameters += f.stored().elements();
                bytesRead += f.stored().bytes();
            }
            Path tokenizerConfig = source.path().resolveSibling(ModelDirectory.TOKENIZER_CONFIG);
            long total = bytesRead;
            AtomicDirectories.replace(s.output(), staging -> {
                saved.write(staging.resolve(ModelDirectory.CONFIG));
                Files.copy(vocab, staging.resolve(ModelDirectory.VOCAB), StandardCopyOption.REPLACE_EXISTING);
                if (Files.isRegularFile(tokenizerConfig)) Files.copy(tokenizerConfig, staging.resolve(ModelDirectory.TOKENIZER_CONFIG));
                else TokenizerOptions.defaults().write(staging.resolve(ModelDirectory.TOKENIZER_CONFIG));
                progress.begin("converting", total);
                SafeTensors.write(staging.resolve(ModelDirectory.WEIGHTS), specs, Map.of("format", "pt"),
                        sink -> stream(source, plan, types, total, sink));
                progress.end();
            });
            long written = Files.size(s.output().resolve(ModelDirectory.WEIGHTS));
            return new Result(source.format(), source.path(), s.output(), plan.family(), saved.architectures(), specs.size(), parameters,
                    bytesRead, written, plan.ignoredByReason(), plan.ignoredBytes(), plan.missing(), (System.nanoTime() - start) / 1e9);
        } catch (IOException e) {
            throw InputException.in(s.output(), "cannot write: " + IoErrors.reason(e));
        } finally {
            OutputPaths.removeIfEmpty(s.output());
        }
    }

    /** Reads each used tensor, transposes and casts it as planned, hands it to the writer and frees it. */
    private void stream(CheckpointSource source, CheckpointPlan plan, Map<String, ScalarType> types, long total,
                        BiConsumer<String, Tensor> sink) {
        Map<String, CheckpointPlan.Fate> byName = new HashMap<>();
        for (CheckpointPlan.Fate f : plan.used()) byName.put(f.stored().name(), f);
        long[] done = {0};
        source.read(t -> byName.containsKey(t.name()), (stored, raw) -> {
            CheckpointPlan.Fate f = byName.get(stored.name());
            Tensor t = raw;
            if (f.transpose()) {
                Tensor view = t.t(); // a view holds its base's memory: both go as soon as the copy exists
                t = replaced(t, view.contiguous());
                view.close();
            }
            ScalarType type = types.get(stored.name());
            if (Tensors.dtype(t) != type) t = replaced(t, t.to(type));
            sink.accept(f.target(), t);
            t.close();
            done[0] += stored.bytes();
            progress.advance(done[0], String.format(Locale.ROOT, "%.0f/%.0f MB", done[0] / 1e6, total / 1e6));
        });
    }

    /** Frees {@code old} now (not at some later GC), so memory holds at most two tensors. */
    private static Tensor replaced(Tensor old, Tensor next) {
        old.close();
        return next;
    }

    private static void requireUsable(CheckpointPlan plan, CheckpointSource source) {
        for (CheckpointPlan.Fate f : plan.bad()) {
            throw InputException.in(source.path(), "tensor " + f.stored().name() + (f.target() != null && !f.target().equals(f.stored().name())
                    ? " (" + f.target() + ")" : "") + ": " + f.reason());
        }
        List<String> missing = plan.missingFromEncoder();
        if (!missing.isEmpty()) {
            throw InputException.in(source.path(), "lacks " + missing.size() + " weights a " + plan.family().name().toLowerCase(Locale.ROOT)
                    + " model of this config needs, e.g. " + missing.getFirst() + " (is the config the checkpoint's? see nezha inspect)");
        }
    }

    private Path vocabulary(CheckpointSource source, Path configFile) {
        if (s.vocab() != null) return s.vocab();
        for (Path beside : List.of(source.path(), configFile)) {
            Path vocab = beside.resolveSibling(ModelDirectory.VOCAB);
            if (Files.isRegularFile(vocab)) return vocab;
        }
        throw InputException.in(source.path(), "has no " + ModelDirectory.VOCAB + " beside it; give the vocabulary with --vocab");
    }

    /** A vocabulary whose size differs from the embedding rows would give tokens ids of other tokens' rows, or none. */
    private static void requireVocabularyFits(Path vocab, CheckpointPlan plan) {
        int entries = Vocab.load(vocab).size();
        for (CheckpointPlan.Fate f : plan.used()) {
            if (f.target().endsWith("embeddings.word_embeddings.weight") && f.shape()[0] != entries) {
                throw InputException.in(vocab, "has " + entries + " entries but the checkpoint's word embeddings have " + f.shape()[0] + " rows");
            }
        }
    }
}
