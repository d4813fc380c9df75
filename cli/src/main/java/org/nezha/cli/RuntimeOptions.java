package org.nezha.cli;

import picocli.CommandLine.Option;

import org.nezha.core.InputException;
import org.nezha.core.model.AttentionBackends;
import org.nezha.core.tensor.CpuThreads;

/** Options every compute command shares: where to run and with how many threads. */
final class RuntimeOptions {
    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE",
            description = "Device to run on: cpu (CUDA support arrives with the GPU training work). Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "CPU threads for libtorch (0 = libtorch's default, one per core).")
    int threads;

    @Option(names = "--attention", paramLabel = "BACKEND",
            description = "Attention implementation: fused (our kernels: no L×L matrix, fastest) or eager (libtorch ops, "
                    + "HF's formulation, the reference). Default: the model config's \"attn_implementation\", else fused.")
    String attention;

    /** Applies the settings to libtorch; rejects what this build cannot do with one clear line. */
    void apply() {
        if (!device.equals("cpu")) {
            throw new InputException("--device " + device + ": only cpu is supported by this build");
        }
        if (threads < 0) throw new InputException("--threads must be >= 0, got " + threads);
        CpuThreads.use(threads);
    }

    /** The backend named by --attention (checked now, so a typo fails before any work), or null for the config's choice. */
    String attention() {
        if (attention != null) AttentionBackends.byName(attention);
        return attention;
    }
}
