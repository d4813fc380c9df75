package org.nezha.core.bench;

import static org.nezha.core.bench.BenchRows.finite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.bindings.NativeLibrary;
import org.nezha.core.model.AttentionBackend;
import org.nezha.core.model.AttentionBackends;
import org.nezha.core.model.RelativePositionTable;
import org.nezha.core.model.SdpaAttention;
import org.nezha.core.model.SegmentedGraph;
import org.nezha.core.tensor.Tensors;

/**
 * Times attention backends on random inputs laid out as a fused QKV projection output
 * [B, L, 3, H, d]: forward alone (inference, no autograd) and forward + backward (training), median
 * of repeated runs, with the peak extra memory of a training step. {@code sdpa} (libtorch's plain
 * attention, no relative positions) is the speed-of-light reference each row's ratio refers to.
 */
public final class AttentionBenchmark {
    public static final List<String> BACKENDS = List.of("fused", "eager", "sdpa");
    public static final String REFERENCE = "sdpa";

    public static final class Settings {
        public List<String> backends = BACKENDS;
        public List<ScalarType> dtypes = List.of(ScalarType.Float);
        public List<Integer> batches = List.of(8), heads = List.of(12), headDims = List.of(64), seqs = List.of(128, 512);
        public int maxRelativePosition = 64;
        public Device device = new Device("cpu");
        public int warmup = 2, repeats = 10;
    }

    /** One measured (backend, shape, dtype); times in ms, NaN with {@code error} set when the run failed. */
    public record Row(String backend, String device, String dtype, long batch, long heads, long seq, long headDim,
            int maxRelativePosition, double fwdMs, double fwdBwdMs, long peakMemBytes, String reference, double fwdRatio,
            double fwdBwdRatio, String error) {
        /** Forward FLOPs of the two large products: 4·B·H·L²·d. */
        public double forwardFlops() {
            return 4.0 * batch * heads * seq * seq * headDim;
        }

        public double tflops() {
            return forwardFlops() / (fwdMs * 1e-3) / 1e12;
        }

        /** Forward + backward counted as 2.5 × the forward's FLOPs. */
        public double fwdBwdTflops() {
            return 2.5 * forwardFlops() / (fwdBwdMs * 1e-3) / 1e12;
        }

        Row withReference(Row ref) {
            return new Row(backend, device, dtype, batch, heads, seq, headDim, maxRelativePosition, fwdMs, fwdBwdMs,
                    peakMemBytes, ref.backend, fwdMs / ref.fwdMs, fwdBwdMs / ref.fwdBwdMs, error);
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("backend", backend);
            m.put("device", device);
            m.put("dtype", dtype);
            m.put("batch", batch);
            m.put("heads", heads);
            m.put("seq", seq);
            m.put("head_dim", headDim);
            m.put("max_relative_position", backend.equals(REFERENCE) ? 0 : maxRelativePosition);
            m.put("fwd_ms", finite(fwdMs));
            m.put("fwd_bwd_ms", finite(fwdBwdMs));
            m.put("tflops", finite(tflops()));
            m.put("fwd_bwd_tflops", finite(fwdBwdTflops()));
            m.put("peak_mem_bytes", peakMemBytes < 0 ? null : peakMemBytes);
            m.put("reference", reference);
            m.put("fwd_ratio", finite(fwdRatio));
            m.put("fwd_bwd_ratio", finite(fwdBwdRatio));
            if (error != null) m.put("error", error);
            return m;
        }
    }

    private final Settings s;

    public AttentionBenchmark(Settings settings) {
        this.s = settings;
        for (String b : settings.backends) {
            if (!BACKENDS.contains(b)) throw new IllegalArgumentException("unknown backend " + b + " (available: " + BACKENDS + ")");
        }
    }

    /** Every combination of the settings' lists; {@code progress} hears one line per measured row. */
    public List<Row> run(Consumer<String> progress) {
        List<Row> rows = new ArrayList<>();
        forEachShape((dtype, shape) -> {
            List<Row> group = new ArrayList<>();
            for (String backend : s.backends) {
                Row row = measure(backend, dtype, shape);
                group.add(row);
                progress.accept(String.format("%-5s %-8s B=%d H=%d L=%d d=%d  fwd %s ms  fwd+bwd %s ms%s", backend,
                        dtypeName(dtype), shape[0], shape[1], shape[2], shape[3], fmt(row.fwdMs), fmt(row.fwdBwdMs),
                        row.error == null ? "" : "  (" + row.error + ")"));
            }
            Row ref = group.stream().filter(r -> r.backend.equals(REFERENCE) && r.error == null).findFirst().orElse(null);
            for (Row r : group) rows.add(ref == null ? r : r.withReference(ref));
        });
        return rows;
    }

    /**
     * For profilers: after the warm-up, exactly {@code repeats} forward + backward launches per case,
     * each inside an NVTX range named after the case, and no timing.
     */
    public void profile(Consumer<String> progress) {
        NativeLibrary lib = NativeLibrary.get();
        forEachShape((dtype, shape) -> {
            for (String backend : s.backends) {
                String name = String.format("%s %s B=%d H=%d L=%d d=%d", backend, dtypeName(dtype), shape[0], shape[1], shape[2], shape[3]);
                try (Case c = new Case(backend, dtype, shape)) {
                    for (int i = 0; i < s.warmup; i++) c.forwardBackward();
                    for (int i = 0; i < s.repeats; i++) {
                        lib.profilerRangePush(name);
                        c.forwardBackward();
                        lib.profilerRangePop();
                    }
                    DeviceMeter.of(s.device).synchronize();
                }
                progress.accept("profiled " + s.repeats + " launches: " + name);
            }
        });
    }

    private interface ShapeBody {
        void accept(ScalarType dtype, long[] shape);
    }

    private void forEachShape(ShapeBody body) {
        for (ScalarType dtype : s.dtypes) {
            for (int b : s.batches) {
                for (int h : s.heads) {
                    for (int d : s.headDims) {
                        for (int l : s.seqs) body.accept(dtype, new long[] {b, h, l, d});
                    }
                }
            }
        }
    }

    private Row measure(String backend, ScalarType dtype, long[] shape) {
        String device = s.device.str().getString();
        double fwd = Double.NaN, fwdBwd = Double.NaN;
        long peak = -1;
        String error = null;
        try (Case c = new Case(backend, dtype, shape)) {
            DeviceMeter meter = DeviceMeter.of(s.device);
            double[] times = new double[s.repeats];
            for (int i = 0; i < s.warmup + s.repeats; i++) {
                meter.start();
                c.forward();
                if (i >= s.warmup) times[i - s.warmup] = meter.stopMillis();
                else meter.stopMillis();
            }
            fwd = median(times);
            for (int i = 0; i < s.warmup + s.repeats; i++) {
                meter.start();
                c.forwardBackward();
                double ms = meter.stopMillis();
                if (i >= s.warmup) times[i - s.warmup] = ms;
            }
            fwdBwd = median(times);
            peak = meter.peakBytes();
        } catch (RuntimeException e) {
            error = BenchRows.firstLine(e);
        }
        return new Row(backend, device, dtypeName(dtype), shape[0], shape[1], shape[2], shape[3], s.maxRelativePosition,
                fwd, fwdBwd, peak, null, Double.NaN, Double.NaN, error);
    }

    /** Inputs and backend of one measured case; every launch runs in its own PointerScope. */
    private final class Case implements AutoCloseable {
        private final PointerScope scope = new PointerScope();
        private final AttentionBackend backend;
        private final RelativePositionTable relative;
        private final Tensor qkv, outputGrad;

        Case(String name, ScalarType dtype, long[] shape) {
            long b = shape[0], h = shape[1], l = shape[2], d = shape[3];
            backend = name.equals(REFERENCE) ? new SdpaAttention() : AttentionBackends.byName(name);
            relative = name.equals(REFERENCE) ? null : new RelativePositionTable(s.maxRelativePosition, (int) d);
            var options = Tensors.options(dtype, s.device);
            qkv = torch.randn(new long[] {b, l, 3, h, d}, options);
            outputGrad = torch.randn(new long[] {b, h, l, d}, options);
        }

        void forward() {
            try (PointerScope step = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                backend.attendPacked(qkv, null, relative, 0.0, false, null);
            }
        }

        void forwardBackward() {
            try (PointerScope step = new PointerScope()) {
                Tensor leaf = qkv.detach().requires_grad_(true);
                SegmentedGraph graph = backend.cutsGraph() ? new SegmentedGraph() : null;
                Tensor out = backend.attendPacked(leaf, null, relative, 0.0, false, graph);
                if (graph != null) graph.backward(out, outputGrad);
                else SegmentedGraph.backward(List.of(out), List.of(outputGrad));
            }
        }

        @Override
        public void close() {
            if (relative != null) relative.releaseCaches(); // the next case must not start with this one's tables
            scope.close();
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    public static String dtypeName(ScalarType t) {
        return switch (t.intern()) {
            case Float -> "float32";
            case Half -> "float16";
            case BFloat16 -> "bfloat16";
            case Double -> "float64";
            default -> t.toString();
        };
    }

    private static String fmt(double ms) {
        return Double.isFinite(ms) ? String.format("%.3f", ms) : "-";
    }
}
