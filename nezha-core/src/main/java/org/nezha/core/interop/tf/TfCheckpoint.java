package org.nezha.core.interop.tf;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

import org.bytedeco.pytorch.Tensor;

/**
 * Streams a TensorFlow BERT/NEZHA checkpoint's model tensors under HF's {@code bert.} names,
 * kernels transposed to [out, in], one tensor at a time; what is not a model variable is skipped
 * without reading its data and counted in the {@link Summary}.
 */
public final class TfCheckpoint {
    /** Tensors and stored bytes kept, and tensors and bytes dropped, by {@link TfNames} reason. */
    public record Summary(int kept, long keptBytes, Map<String, Integer> droppedByReason, long droppedBytes) {
        public int dropped() {
            return droppedByReason.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private TfCheckpoint() {}

    /**
     * Hands each model tensor (contiguous, on the CPU) to {@code sink} under its HF name; the sink
     * owns it from then on.
     */
    public static Summary read(Path checkpoint, BiConsumer<String, Tensor> sink) {
        int kept = 0;
        long keptBytes = 0, droppedBytes = 0;
        Map<String, Integer> dropped = new TreeMap<>();
        try (TensorBundle bundle = TensorBundle.open(checkpoint)) {
            for (BundleEntry e : bundle.entries()) {
                TfNames.Mapping m = TfNames.map(e.name());
                if (!m.kept()) {
                    dropped.merge(m.dropReason(), 1, Integer::sum);
                    droppedBytes += e.size();
                    continue;
                }
                Tensor t = bundle.read(e);
                sink.accept(m.hfName(), m.transpose() ? t.t().contiguous() : t);
                kept++;
                keptBytes += e.size();
            }
        }
        return new Summary(kept, keptBytes, dropped, droppedBytes);
    }
}
