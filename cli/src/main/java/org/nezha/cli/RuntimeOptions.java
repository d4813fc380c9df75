package org.nezha.cli;

import picocli.CommandLine.Option;

import org.nezha.core.InputException;
import org.nezha.core.model.AttentionBackend;
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

    @Option(names = "--attention", defaultValue = "eager", paramLabel = "BACKEND",
            description = "Attention implementation: eager (libtorch ops, HF semantics). Default: ${DEFAULT-VALUE}.")
    String attention;

    /** Applies the settings to libtorch; rejects what this build cannot do with one clear line. */
    void apply() {
        if (!device.equals("cpu")) {
            throw new InputException("--device " + device + ": only cpu is supported by this build");
        }
        if (threads < 0) throw new InputException("--threads must be >= 0, got " + threads);
        CpuThreads.use(threads);
    }

    AttentionBackend attentionBackend() {
        return AttentionBackends.byName(attention);
    }
}
