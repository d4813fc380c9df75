package org.nezha.cli;

import picocli.CommandLine.Option;

import org.nezha.core.InputException;
import org.nezha.core.distributed.DistributedEnvironment;
import org.nezha.core.model.AttentionBackends;
import org.nezha.core.pipeline.Execution;
import org.nezha.core.tensor.CpuThreads;
import org.nezha.core.train.Precision;

/** Options every compute command shares: where to run, in which precision, with how many threads and which attention. */
final class RuntimeOptions {
    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE",
            description = "cpu, cuda or cuda:N (the GPU build: -Pgpu). Under `nezha launch` each process takes "
                    + "cuda:LOCAL_RANK when this is cuda. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "P",
            description = "fp32, bf16 or fp16: bf16/fp16 run matmuls and attention in half precision under autocast "
                    + "(LayerNorm, softmax and losses stay fp32, weights and optimizer state fp32); fp16 adds dynamic "
                    + "loss scaling. Default: ${DEFAULT-VALUE}.")
    String precision;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "CPU threads for libtorch (0 = libtorch's default, one per core).")
    int threads;

    @Option(names = "--attention", paramLabel = "BACKEND",
            description = "Attention implementation: fused (our kernels: no L×L matrix, fastest) or eager (libtorch ops, "
                    + "HF's formulation, the reference). Default: the model config's \"attn_implementation\", else fused.")
    String attention;

    /** Applies the thread setting to libtorch; rejects bad values with one clear line. */
    void apply() {
        useThreads(threads);
    }

    /** {@code --threads}: libtorch's CPU threads, 0 for its default (shared by every command that has the option). */
    static void useThreads(int threads) {
        if (threads < 0) throw new InputException("--threads must be >= 0, got " + threads);
        CpuThreads.use(threads);
    }

    /** The checked device, precision and attention (a typo fails before any work). */
    Execution execution() {
        if (attention != null) AttentionBackends.byName(attention);
        return new Execution(attention, DistributedEnvironment.fromSystem().device(device), Precision.parse(precision));
    }
}
