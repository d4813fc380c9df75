package org.nezha.cli;

import static org.nezha.cli.BenchOutput.num;
import static org.nezha.cli.BenchOutput.positive;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.bindings.NativeLibrary;
import org.nezha.core.InputException;
import org.nezha.core.bench.AttentionBenchmark;
import org.nezha.core.tensor.ComputeDevice;

/** {@code nezha bench attention}: times the attention backends forward and forward + backward. */
@Command(name = "attention", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time NEZHA attention: our fused kernels, the eager libtorch formulation (HF's), and libtorch's "
                + "plain scaled_dot_product_attention without relative positions (sdpa, the speed-of-light reference).",
                "Inputs are random, laid out as a fused QKV projection [B, L, 3, H, d]; no padding, no dropout. Each row "
                        + "is the median of --repeats runs after --warmup runs: the forward alone (inference) and forward "
                        + "+ backward (training), on CUDA timed with CUDA events.",
                "TFLOP/s counts 4·B·H·L²·d per forward (the two large products) and 2.5× that for forward + backward. "
                        + "Peak memory is the extra memory of one forward + backward (CUDA: caching allocator peak; CPU: "
                        + "growth of the resident set); eager's [L, L, d] relative tensor, built once and kept as HF "
                        + "keeps its relative-position buffer, is model state and not counted. Ratios are time / sdpa's time for the same shape and dtype.",
                "Lists are comma-separated; every combination is measured. A case that fails (e.g. out of memory) "
                        + "is reported with its error and the rest go on."})
final class AttentionBenchCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--backend", split = ",", defaultValue = "fused,eager,sdpa", paramLabel = "NAME",
            description = "Backends: fused, eager, sdpa. Default: ${DEFAULT-VALUE}.")
    List<String> backends;

    @Option(names = "--dtype", split = ",", paramLabel = "TYPE",
            description = "float32, float16, bfloat16 (and float64 on the CPU). Default: float32 on the CPU, "
                    + "bfloat16,float16 on CUDA.")
    List<String> dtypes;

    @Option(names = "--batch", split = ",", defaultValue = "8", paramLabel = "B", description = "Batch sizes. Default: ${DEFAULT-VALUE}.")
    List<Integer> batches;

    @Option(names = "--heads", split = ",", defaultValue = "12", paramLabel = "H", description = "Heads. Default: ${DEFAULT-VALUE}.")
    List<Integer> heads;

    @Option(names = "--head-dim", split = ",", defaultValue = "64", paramLabel = "D",
            description = "Head sizes (CUDA kernels: 16, 32, 64, 128). Default: ${DEFAULT-VALUE}.")
    List<Integer> headDims;

    @Option(names = "--seq", split = ",", defaultValue = "128,512", paramLabel = "L",
            description = "Sequence lengths. Default: ${DEFAULT-VALUE}.")
    List<Integer> seqs;

    @Option(names = "--max-relative-position", defaultValue = "64", paramLabel = "K",
            description = "NEZHA's clipping distance K (2K + 1 relative buckets). Default: ${DEFAULT-VALUE}.")
    int maxRelativePosition;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE",
            description = "cpu, cuda or cuda:N. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "CPU threads (0 = one per core).")
    int threads;

    @Option(names = "--warmup", defaultValue = "2", paramLabel = "N", description = "Untimed runs first. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--repeats", defaultValue = "10", paramLabel = "N", description = "Timed runs. Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(names = "--json", description = "Print a JSON array (one object per backend, shape and dtype) instead of a table.")
    boolean json;

    @Option(names = "--profile",
            description = "For nsys/ncu: after the warm-up run exactly --repeats forward + backward launches per case, "
                    + "each in an NVTX range named after the case, and report no timings.")
    boolean profile;

    @Override
    public Integer call() throws Exception {
        AttentionBenchmark.Settings s = settings();
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        AttentionBenchmark bench = new AttentionBenchmark(s);
        if (profile) {
            bench.profile(line -> err.println(line));
            return 0;
        }
        List<AttentionBenchmark.Row> rows = bench.run(line -> err.println(line));
        if (json) {
            List<Map<String, Object>> maps = new ArrayList<>();
            for (AttentionBenchmark.Row r : rows) maps.add(r.toMap());
            BenchOutput.printJson(out, maps);
        } else {
            printTable(out, rows);
        }
        out.flush();
        return 0;
    }

    private AttentionBenchmark.Settings settings() {
        AttentionBenchmark.Settings s = new AttentionBenchmark.Settings();
        for (String b : backends) {
            if (!AttentionBenchmark.BACKENDS.contains(b)) {
                throw new InputException("--backend " + b + ": choose from " + String.join(", ", AttentionBenchmark.BACKENDS));
            }
        }
        s.backends = backends;
        s.device = withKernels(ComputeDevice.select(device), device);
        boolean cuda = s.device.is_cuda();
        List<String> types = dtypes != null ? dtypes : cuda ? List.of("bfloat16", "float16") : List.of("float32");
        s.dtypes = types.stream().map(t -> dtype(t, cuda)).toList();
        s.batches = positive("--batch", batches);
        s.heads = positive("--heads", heads);
        s.headDims = positive("--head-dim", headDims);
        for (int d : s.headDims) if (d % 2 != 0) throw new InputException("--head-dim " + d + ": must be even (sin/cos pairs)");
        s.seqs = positive("--seq", seqs);
        if (maxRelativePosition < 1) throw new InputException("--max-relative-position must be at least 1");
        s.maxRelativePosition = maxRelativePosition;
        if (warmup < 0) throw new InputException("--warmup must be >= 0");
        if (repeats < 1) throw new InputException("--repeats must be at least 1");
        s.warmup = warmup;
        s.repeats = repeats;
        RuntimeOptions.useThreads(threads);
        return s;
    }

    /** {@code device} (named {@code name} on the command line), if our CUDA kernels are built when it is a GPU. */
    static Device withKernels(Device device, String name) {
        if (device.is_cuda() && !NativeLibrary.get().hasCuda()) {
            throw new InputException("--device " + name + ": libnezha_native was built without CUDA (no nvcc at build time)");
        }
        return device;
    }

    private static ScalarType dtype(String name, boolean cuda) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "float32", "fp32" -> ScalarType.Float;
            case "float16", "fp16" -> ScalarType.Half;
            case "bfloat16", "bf16" -> ScalarType.BFloat16;
            case "float64", "fp64" -> {
                if (cuda) throw new InputException("--dtype float64: the CUDA kernels have no float64 (CPU only)");
                yield ScalarType.Double;
            }
            default -> throw new InputException("--dtype " + name + ": choose float32, float16, bfloat16 or float64");
        };
    }

    private static void printTable(PrintWriter out, List<AttentionBenchmark.Row> rows) {
        out.printf("%-6s %-9s %4s %4s %6s %4s %10s %12s %8s %11s %12s %8s %9s  %s%n", "backend", "dtype", "B", "H", "L", "d",
                "fwd ms", "fwd+bwd ms", "TFLOP/s", "fb TFLOP/s", "peak MiB", "fwd/ref", "fb/ref", "error");
        for (AttentionBenchmark.Row r : rows) {
            out.printf(Locale.ROOT, "%-6s %-9s %4d %4d %6d %4d %10s %12s %8s %11s %12s %8s %9s  %s%n", r.backend(), r.dtype(),
                    r.batch(), r.heads(), r.seq(), r.headDim(), num(r.fwdMs(), 3), num(r.fwdBwdMs(), 3), num(r.tflops(), 3),
                    num(r.fwdBwdTflops(), 3), r.peakMemBytes() < 0 ? "-" : num(r.peakMemBytes() / 1048576.0, 1),
                    num(r.fwdRatio(), 2), num(r.fwdBwdRatio(), 2), r.error() == null ? "" : r.error());
        }
    }
}
