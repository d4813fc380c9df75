package org.nezha.cli;

import static org.nezha.cli.BenchOutput.num;
import static org.nezha.cli.BenchOutput.positive;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import org.nezha.core.InputException;
import org.nezha.core.bench.TrainBenchmark;
import org.nezha.core.config.NezhaConfig;
import org.nezha.core.distributed.DataParallelTraining;
import org.nezha.core.distributed.DistributedEnvironment;
import org.nezha.core.model.AttentionBackends;
import org.nezha.core.model.ModelSize;
import org.nezha.core.train.Optimizers;
import org.nezha.core.train.PhaseClock;
import org.nezha.core.train.Precision;

/** {@code nezha bench train}: the masked-LM training step's throughput on synthetic tokens. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time the masked-LM pretraining step of a model config (default NEZHA-base: 12 layers, hidden 768, "
                + "12 heads, intermediate 3072, vocab 21128) on synthetic tokens, through the real trainer: autocast, "
                + "fp16 loss scaling, gradient clipping at 1.0, the optimizer, and the data-parallel all-reduce under "
                + "`nezha launch`.",
                "Each row: --warmup untimed updates, --steps updates timed back to back (tokens/s, sequences/s, step "
                        + "ms), then 3 updates that wait for the device between phases for the breakdown (forward, "
                        + "backward, communication, optimizer ms). --batch-size is per process; the global batch is "
                        + "batch × world size.",
                "MFU = model FLOPs per second / a dense matmul peak measured in the same run: 8192³ in the run's "
                        + "precision on a GPU; on a CPU the best of fp32 and the run's precision over sizes 256³ to 2048³ "
                        + "(autocast and the attention kernels run much of the model in fp32). Model FLOPs per step = "
                        + "3 × forward, forward per sequence = layers × [L·(8h² + 4·h·I) + 8·L²·h] + M·(2h² + 2·h·V) "
                        + "(QKᵀ, PV and the relative key and value terms — 4·L²·h for a BERT config without them; the MLM head at the M masked positions). bench/reference/nezha_train_bench.py runs "
                        + "the same step in PyTorch for comparison.",
                "Lists are comma-separated; every combination is measured; a case that fails (e.g. out of memory) "
                        + "is reported with its error and the rest go on."})
final class TrainBenchCommand implements Callable<Integer> {
    @Option(names = "--model-config", paramLabel = "FILE",
            description = "Model config.json. Default: data/configs/nezha-base.json of this checkout.")
    Path modelConfig;

    @Option(names = "--seq-len", split = ",", defaultValue = "128", paramLabel = "L", description = "Sequence lengths. Default: ${DEFAULT-VALUE}.")
    List<Integer> seqLens;

    @Option(names = "--batch-size", split = ",", defaultValue = "32", paramLabel = "B",
            description = "Sequences per process and step. Default: ${DEFAULT-VALUE}.")
    List<Integer> batchSizes;

    @Option(names = "--precision", split = ",", paramLabel = "P",
            description = "fp32, bf16, fp16. Default: fp32 on the CPU, bf16 on CUDA.")
    List<String> precisions;

    @Option(names = "--attention", split = ",", defaultValue = "fused", paramLabel = "NAME",
            description = "Attention backends: fused, eager. Default: ${DEFAULT-VALUE}.")
    List<String> attentions;

    @Option(names = "--optimizer", defaultValue = "adamw", paramLabel = "NAME", description = "adamw, adam, adagrad or lamb. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE",
            description = "cpu, cuda or cuda:N (under nezha launch, cuda means cuda:LOCAL_RANK). Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--steps", defaultValue = "10", paramLabel = "N", description = "Timed updates. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--warmup", defaultValue = "3", paramLabel = "N", description = "Untimed updates first. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "CPU threads (0 = one per core).")
    int threads;

    @Option(names = "--json", description = "Print a JSON array (one object per case) instead of a table.")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TrainBenchmark.Settings s = settings();
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        List<TrainBenchmark.Row> rows;
        try (DataParallelTraining dp = DataParallelTraining.join(s.device)) {
            s.dataParallel = dp;
            rows = new TrainBenchmark().run(s, row -> {
                if (dp.isMain()) err.println(progressLine(row));
            });
            dp.awaitOthers();
            if (!dp.isMain()) return 0; // rank 0 reports for all
        }
        if (json) {
            List<Map<String, Object>> maps = new ArrayList<>();
            for (TrainBenchmark.Row r : rows) maps.add(r.toMap());
            BenchOutput.printJson(out, maps);
        } else {
            printTable(out, rows);
        }
        out.flush();
        return 0;
    }

    private TrainBenchmark.Settings settings() {
        TrainBenchmark.Settings s = new TrainBenchmark.Settings();
        Path config = modelConfig != null ? modelConfig
                : Path.of(System.getProperty("nezha.home", ".")).resolve("data/configs/nezha-base.json");
        s.config = NezhaConfig.read(config).withArchitectures("NezhaForMaskedLM");
        ModelSize.requireFits(s.config, ModelSize.Head.MASKED_LM, true,
                DistributedEnvironment.fromSystem().localWorldSize(), config);
        s.seqLens = positive("--seq-len", seqLens);
        s.batchSizes = positive("--batch-size", batchSizes);
        for (int l : s.seqLens) {
            if (s.config.hasAbsolutePositions() && l > s.config.maxPositionEmbeddings()) {
                throw new InputException("--seq-len " + l + ": the config has only " + s.config.maxPositionEmbeddings()
                        + " absolute positions");
            }
            if (l < 3) throw new InputException("--seq-len " + l + ": must be at least 3");
        }
        s.device = AttentionBenchCommand.withKernels(DistributedEnvironment.fromSystem().device(device), device);
        List<String> names = precisions != null ? precisions : List.of(s.device.is_cuda() ? "bf16" : "fp32");
        s.precisions = names.stream().map(Precision::parse).toList();
        for (String a : attentions) AttentionBackends.byName(a);
        s.attentions = attentions;
        Optimizers.requireKnown(optimizer);
        s.optimizer = optimizer;
        if (steps < 1) throw new InputException("--steps must be at least 1");
        if (warmup < 1) throw new InputException("--warmup must be at least 1 (the first update allocates the optimizer state)");
        s.steps = steps;
        s.warmup = warmup;
        RuntimeOptions.useThreads(threads);
        return s;
    }

    private static String progressLine(TrainBenchmark.Row r) {
        return String.format(Locale.ROOT, "bench train: seq %d × batch %d, %s, %s: %s", r.seqLen(), r.batchSize(),
                r.precision(), r.attention(), r.error() != null ? "failed: " + r.error()
                        : String.format(Locale.ROOT, "%.0f tokens/s", r.tokensPerSecond()));
    }

    private static void printTable(PrintWriter out, List<TrainBenchmark.Row> rows) {
        out.printf("%5s %5s %-5s %-6s %5s %11s %9s %9s %8s %8s %8s %8s %7s %9s %10s  %s%n", "L", "B", "prec", "attn", "world",
                "tokens/s", "seqs/s", "step ms", "fwd ms", "bwd ms", "comm ms", "opt ms", "MFU", "peak TF/s", "peak MiB",
                "error");
        for (TrainBenchmark.Row r : rows) {
            Map<PhaseClock.Phase, Double> p = r.phaseMs();
            out.printf(Locale.ROOT, "%5d %5d %-5s %-6s %5d %11s %9s %9s %8s %8s %8s %8s %7s %9s %10s  %s%n", r.seqLen(),
                    r.batchSize(), r.precision(), r.attention(), r.worldSize(), num(r.tokensPerSecond(), 0),
                    num(r.seqsPerSecond(), 1), num(r.stepMs(), 1), num(phase(p, PhaseClock.Phase.FORWARD), 1),
                    num(phase(p, PhaseClock.Phase.BACKWARD), 1), num(phase(p, PhaseClock.Phase.COMMUNICATION), 1),
                    num(phase(p, PhaseClock.Phase.OPTIMIZER), 1), num(100 * r.mfu(), 1) + (Double.isFinite(r.mfu()) ? "%" : ""),
                    num(r.matmulPeakTflops(), 2), r.peakMemBytes() < 0 ? "-" : num(r.peakMemBytes() / 1048576.0, 0),
                    r.error() == null ? "" : r.error());
        }
    }

    private static double phase(Map<PhaseClock.Phase, Double> phases, PhaseClock.Phase p) {
        return phases.getOrDefault(p, Double.NaN);
    }
}
