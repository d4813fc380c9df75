package org.nezha.core.distributed;

import java.time.Duration;

import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.Backend;
import org.bytedeco.pytorch.Store;
import org.bytedeco.pytorch.nccl.ProcessGroupNCCL;

import org.nezha.core.InputException;

/**
 * Creates NCCL process groups. The only class that names {@link ProcessGroupNCCL}: its native code
 * exists only in the GPU build of libtorch, so CPU runs must never load it.
 */
final class NcclBackend {
    private NcclBackend() {}

    /** An NCCL group whose collectives are aborted by NCCL's watchdog after {@code timeout}. */
    static Backend create(Store store, int rank, int worldSize, Duration timeout) {
        try {
            ProcessGroupNCCL.Options options = ProcessGroupNCCL.Options.create();
            options.timeout(new Milliseconds(timeout.toMillis()));
            return new ProcessGroupNCCL(store, rank, worldSize, options);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new InputException("--device cuda: this libtorch build has no NCCL (it is the CPU build; "
                    + "build with ./build -Pgpu)", e);
        }
    }

    /** Ends the group's communicators and watchdog, so that releasing it neither warns nor aborts them. */
    static void shutdown(Backend nccl) {
        ((ProcessGroupNCCL) nccl).shutdown();
    }
}
