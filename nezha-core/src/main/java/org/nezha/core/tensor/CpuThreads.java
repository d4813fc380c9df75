package org.nezha.core.tensor;

import org.bytedeco.openblas.global.openblas_full;
import org.bytedeco.pytorch.global.torch;

/**
 * CPU threading for libtorch. libtorch parallelises with its own OpenMP pool and also calls
 * OpenBLAS, which by default starts a second pool of as many threads: the two pools fight over the
 * cores (measured on 2 cores: a [32·50, 128] × [128, 128] linear took 8 ms instead of 0.45 ms).
 * OpenBLAS therefore runs single-threaded inside libtorch's parallel regions.
 */
public final class CpuThreads {
    private static volatile boolean configured;

    private CpuThreads() {}

    /** Idempotent; cheap enough to call from every model constructor. */
    public static void avoidOversubscription() {
        if (configured) return;
        synchronized (CpuThreads.class) {
            if (configured) return;
            openblas_full.openblas_set_num_threads(1);
            configured = true;
        }
    }

    /** Sets libtorch's intra-op threads ({@code threads} ≤ 0 keeps libtorch's default, one per core). */
    public static void use(int threads) {
        avoidOversubscription();
        if (threads > 0) torch.set_num_threads(threads);
    }
}
