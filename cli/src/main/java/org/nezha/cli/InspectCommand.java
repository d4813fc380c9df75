package org.nezha.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import org.nezha.core.config.NezhaConfig;
import org.nezha.core.interop.CheckpointInspection;
import org.nezha.core.interop.CheckpointPlan;
import org.nezha.core.model.ModelFamily;

/** {@code nezha inspect}: what a checkpoint or model directory holds and what the engine makes of it. */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show what a checkpoint holds and what this engine would make of it, reading no tensor data: its format, "
                + "every tensor's name, dtype and shape, the parameter count, which tensors the engine uses (under which HF name), "
                + "which it ignores and why, which model weights are missing, and the config.",
                "PATH: anything 'nezha convert --from' takes, or a model directory. The config is --config, else config.json, "
                        + "bert_config.json or albert_config.json beside the weights; without one, names are mapped for the family "
                        + "the tensor names suggest and shapes are not checked.",
                "Prints text, or with --json one JSON object (tensors[] with name, dtype, shape, bytes, use = used|ignored|bad, "
                        + "target, reason)."})
final class InspectCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Layer and group numbers in TF paths and HF names, folded by --by-layer. */
    private static final Pattern LAYER_NUMBER = Pattern.compile("(?<=layer_|layer\\.|group_|groups\\.|layers\\.)\\d+");

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "PATH", description = "The checkpoint file, TensorFlow prefix or directory.")
    Path path;

    @Option(names = "--config", paramLabel = "FILE", description = "The model's config, to check shapes and find missing weights.")
    Path config;

    @Option(names = "--model-type", paramLabel = "TYPE", description = "nezha, bert or albert; overrides the config's model_type.")
    String modelType;

    @Option(names = "--by-layer", description = "One line per tensor kind, its layers folded (layer_*), instead of one per tensor.")
    boolean byLayer;

    @Option(names = "--json", description = "Print one JSON object for programs instead of text.")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        ModelFamily family = modelType == null ? null : Options.enumValue("--model-type", modelType, ModelFamily.class);
        CheckpointInspection inspection = CheckpointInspection.of(path, config, family);
        PrintWriter out = spec.commandLine().getOut();
        if (json) out.println(JSON.writeValueAsString(inspection.toJson()));
        else print(inspection, out);
        out.flush();
        return 0;
    }

    private void print(CheckpointInspection in, PrintWriter out) {
        CheckpointPlan plan = in.plan();
        out.printf(Locale.ROOT, "checkpoint   %s%n", in.path());
        out.printf(Locale.ROOT, "format       %s%n", in.format());
        out.printf(Locale.ROOT, "config       %s%n", in.config() == null
                ? "none found beside it: names mapped as " + familyName(plan) + ", shapes unchecked (give --config)"
                : in.configFile() + ": " + describe(in.config()));
        out.printf(Locale.ROOT, "tensors      %d stored, %s, %,d parameters (%s)%n", plan.fates().size(), Sizes.bytes(in.storedBytes()),
                in.storedParameters(), Summary.counts(in.dtypes()));
        out.printf(Locale.ROOT, "engine       uses %d tensors (%,d parameters) as %s; ignores %d%s%n", plan.used().size(),
                in.usedParameters(), plan.architecture(), plan.fates().size() - plan.used().size() - plan.bad().size(),
                plan.ignoredByReason().isEmpty() ? "" : " (" + Summary.counts(plan.ignoredByReason()) + ")");
        List<String> heads = plan.heads().entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
        out.printf(Locale.ROOT, "heads        %s%n", heads.isEmpty() ? "none (an encoder only)" : String.join(", ", heads));
        if (in.config() != null) {
            out.printf(Locale.ROOT, "missing      %s%n", plan.missing().isEmpty() ? "none" : plan.missing().size() + ": " + folded(plan.missing()));
        }
        if (!plan.bad().isEmpty()) out.printf(Locale.ROOT, "problems     %d tensors cannot be used (marked BAD below)%n", plan.bad().size());
        out.println();
        for (Row row : rows(plan)) out.println(row.format());
    }

    private record Row(String name, int count, String dtype, String shape, String fate) {
        String format() {
            return String.format(Locale.ROOT, "%-60s %-4s %-9s %-14s %s", name, count > 1 ? "×" + count : "", dtype, shape, fate);
        }
    }

    /** One row per tensor, or per kind of tensor across layers with --by-layer. */
    private List<Row> rows(CheckpointPlan plan) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (CheckpointPlan.Fate f : plan.fates()) {
            String name = byLayer ? LAYER_NUMBER.matcher(f.stored().name()).replaceAll("*") : f.stored().name();
            String fate = fate(f);
            if (byLayer) fate = LAYER_NUMBER.matcher(fate).replaceAll("*");
            Row row = new Row(name, 1, f.stored().dtypeName(), f.stored().shapeText(), fate);
            rows.merge(name + "\t" + row.dtype + "\t" + row.shape + "\t" + fate, row,
                    (a, b) -> new Row(a.name, a.count + 1, a.dtype, a.shape, a.fate));
        }
        return new ArrayList<>(rows.values());
    }

    private static String fate(CheckpointPlan.Fate f) {
        return switch (f.use()) {
            case USED -> "-> " + f.target() + (f.transpose() ? " (transposed)" : "");
            case IGNORED -> "ignored: " + f.reason();
            case BAD -> "BAD: " + f.reason();
        };
    }

    /** The names with their layer numbers folded, each kind once ("bert.encoder.layer.*.output.dense.bias"). */
    private static String folded(List<String> names) {
        return String.join(", ", names.stream().map(n -> LAYER_NUMBER.matcher(n).replaceAll("*")).distinct().toList());
    }

    private static String describe(NezhaConfig c) {
        String albert = ModelFamily.of(c) != ModelFamily.ALBERT ? "" : String.format(Locale.ROOT,
                ", embeddings %d wide, %d groups of %d shared layers", c.embeddingSize(), c.numHiddenGroups(), c.innerGroupNum());
        return String.format(Locale.ROOT, "%s, hidden %d, %d layers, %d heads, intermediate %d, vocab %d, %s%s", c.modelType(),
                c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(), c.intermediateSize(), c.vocabSize(),
                c.hasAbsolutePositions() ? "absolute positions up to " + c.maxPositionEmbeddings()
                        : "relative positions clipped at " + c.maxRelativePosition(), albert);
    }

    private static String familyName(CheckpointPlan plan) {
        return plan.family().name().toLowerCase(Locale.ROOT);
    }
}
