package org.nezha.core.distributed;

import org.bytedeco.pytorch.Work;

/**
 * A collective operation launched but not yet waited for. Its native {@link Work} is retained, so it
 * survives the PointerScope it was launched in (a bucket launched mid-backward is awaited at the end).
 */
final class PendingCollective {
    private final DataParallelGroup group;
    private final String operation;
    private final Work work;

    PendingCollective(DataParallelGroup group, String operation, Work work) {
        this.group = group;
        this.operation = operation;
        this.work = work;
        work.retainReference();
    }

    /** Blocks until the operation has finished (on CUDA: until the current stream waits for it). */
    void await() {
        try {
            work._wait();
        } catch (RuntimeException e) {
            throw group.failure(operation, e);
        } finally {
            work.releaseReference();
        }
    }
}
