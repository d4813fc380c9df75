package org.nezha.core.distributed;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.Backend;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.Store;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.InputException;
import org.nezha.core.tensor.Tensors;

/**
 * This process's membership in a data-parallel group: a c10d TCP store for the rendezvous (rank 0
 * serves it at MASTER_ADDR:MASTER_PORT) and a process group on top, NCCL for CUDA devices and Gloo
 * for the CPU. Every collective is given the timeout, so a peer that died or hung makes it fail with
 * a {@link DistributedException} ("rank 0: all-reduce timed out after 30 s (a peer died or hung)")
 * instead of blocking forever. Every rank must call the same collectives in the same order.
 *
 * <pre>{@code
 * DistributedEnvironment env = DistributedEnvironment.fromSystem();
 * try (DataParallelGroup group = DataParallelGroup.open(env, device, DataParallelGroup.DEFAULT_TIMEOUT);
 *      GradientReducer reducer = new GradientReducer(parameters, group)) {
 *     group.broadcastFromMain(List.copyOf(parameters.values()));  // every rank starts from rank 0's weights
 *     // each step: forward, backward with reducer.gradientsReady(...) at the cuts, reducer.finish(), optimizer step
 *     group.barrier();                                             // e.g. before rank 0 writes the final model
 * }
 * }</pre>
 *
 * On CUDA the device must be this process's GPU ({@code cuda:LOCAL_RANK}); there, NCCL's watchdog
 * enforces the timeout and ends the process. Use from one thread.
 */
public final class DataParallelGroup implements AutoCloseable {
    /** Long enough for a slow first step or a checkpoint written by rank 0 while the others wait. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    private static final String PEER_HINT = "a peer died or hung";

    private final Store store;
    private final Backend backend;
    /** By name: the caller's Device may be freed with its PointerScope while the group lives on. */
    private final String device;
    private final int rank;
    private final int worldSize;
    private final Duration timeout;
    private boolean closed;

    private DataParallelGroup(Store store, Backend backend, String device, int rank, int worldSize, Duration timeout) {
        this.store = store;
        this.backend = backend;
        this.device = device;
        this.rank = rank;
        this.worldSize = worldSize;
        this.timeout = timeout;
    }

    /**
     * Joins the group: blocks until all {@code env.worldSize()} processes have arrived (or {@code timeout}
     * passed), then connects them. {@code device} is where the tensors live: CUDA selects NCCL, the CPU Gloo.
     */
    public static DataParallelGroup open(DistributedEnvironment env, Device device, Duration timeout) {
        boolean loopback = isLoopback(env.masterAddr());
        Store store = rendezvous(env, timeout);
        try {
            Backend backend = device.is_cuda()
                    ? NcclBackend.create(store, env.rank(), env.worldSize(), timeout)
                    : glooGroup(store, env, loopback, timeout);
            backend.retainReference();
            return new DataParallelGroup(store, backend, device.str().getString(), env.rank(), env.worldSize(), timeout);
        } catch (RuntimeException e) {
            store.releaseReference();
            if (e instanceof InputException) throw e;
            throw DistributedException.describe(env.rank(), "connecting the process group", timeout, PEER_HINT, e);
        }
    }

    public int rank() {
        return rank;
    }

    public int worldSize() {
        return worldSize;
    }

    /** Rank 0: the process that logs and writes checkpoints and models. */
    public boolean isMain() {
        return rank == 0;
    }

    /** Overwrites each tensor, in place, with rank 0's values. */
    public void broadcastFromMain(List<Tensor> tensors) {
        BroadcastOptions fromMain = new BroadcastOptions().rootRank(0);
        List<PendingCollective> pending = new ArrayList<>();
        for (Tensor t : tensors) pending.add(launch("broadcast", () -> backend.broadcast(new TensorVector(t), fromMain)));
        pending.forEach(PendingCollective::await);
    }

    /** Replaces each (floating-point) tensor, in place, by its mean over all ranks; returns when done. */
    public void allReduceMean(List<Tensor> tensors) {
        List<PendingCollective> pending = new ArrayList<>();
        for (Tensor t : tensors) pending.add(startAllReduceSum(t));
        pending.forEach(PendingCollective::await);
        try (NoGradGuard guard = new NoGradGuard()) { // the tensors may be parameters
            for (Tensor t : tensors) t.div_(Tensors.scalar(worldSize));
        }
    }

    /** The element-wise sum of every rank's {@code values} (all ranks pass arrays of the same length). */
    public long[] sumOverRanks(long[] values) {
        try (PointerScope scope = new PointerScope()) {
            Tensor t = Tensors.longs(values, new Device(device), values.length);
            launch("all-reduce", () -> backend.allreduce(new TensorVector(t))).await();
            return Tensors.toLongs(t);
        }
    }

    /** Returns once every rank has called it. */
    public void barrier() {
        // A one-element all-reduce whose result the CPU reads works on every backend (NCCL's own barrier
        // guesses the GPU from the rank) and also waits for the CUDA stream.
        Tensor token = torch.zeros(new long[] {1}, Tensors.options(ScalarType.Float, new Device(device)));
        launch("barrier", () -> backend.allreduce(new TensorVector(token))).await();
        token.item_double();
    }

    /** Starts summing {@code t} in place across the ranks; the caller awaits the result. */
    PendingCollective startAllReduceSum(Tensor t) {
        return launch("all-reduce", () -> backend.allreduce(new TensorVector(t)));
    }

    private PendingCollective launch(String operation, Supplier<Work> start) {
        try {
            return new PendingCollective(this, operation, start.get());
        } catch (RuntimeException e) {
            throw failure(operation, e);
        }
    }

    DistributedException failure(String operation, RuntimeException nativeError) {
        return DistributedException.describe(rank, operation, timeout, PEER_HINT, nativeError);
    }

    /** Leaves the group. Call {@link #barrier()} first when the others must have finished their work. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (device.startsWith("cuda")) NcclBackend.shutdown(backend); // as destroy_process_group: before the native object goes
        backend.releaseReference();
        store.releaseReference();
    }

    private static Store rendezvous(DistributedEnvironment env, Duration timeout) {
        TCPStoreOptions options = new TCPStoreOptions()
                .port((short) env.masterPort()) // uint16 in C++: ports above 32767 wrap in Java's short and back
                .isServer(env.isMain())
                .numWorkers(new SizeTPointer(1).put(env.worldSize()))
                .waitWorkers(true)
                .timeout(new Milliseconds(timeout.toMillis()));
        String where = env.masterAddr() + ":" + env.masterPort();
        try {
            TCPStore store = new TCPStore(env.masterAddr(), options);
            store.retainReference();
            return store;
        } catch (RuntimeException e) {
            String hint = env.isMain()
                    ? "not all " + env.worldSize() + " processes arrived; did each start with the same MASTER_ADDR and MASTER_PORT?"
                    : "is rank 0 running, and can this machine reach " + where + "?";
            throw DistributedException.describe(env.rank(), "rendezvous at " + where, timeout, hint, e);
        }
    }

    private static Backend glooGroup(Store store, DistributedEnvironment env, boolean loopback, Duration timeout) {
        ProcessGroupGloo.Options options = ProcessGroupGloo.Options.create(new Milliseconds(timeout.toMillis()));
        options.devices(new GlooDeviceVector(glooDevice(env, loopback)));
        return new ProcessGroupGloo(store, env.rank(), env.worldSize(), options);
    }

    /** The network interface Gloo's peers talk over: the one named, loopback for a one-machine job, else the host's. */
    private static org.bytedeco.pytorch.gloo.Device glooDevice(DistributedEnvironment env, boolean loopback) {
        if (env.socketInterface() != null) {
            try {
                return ProcessGroupGloo.createDeviceForInterface(env.socketInterface());
            } catch (RuntimeException e) {
                throw new InputException(DistributedEnvironment.GLOO_SOCKET_IFNAME + "=" + env.socketInterface()
                        + ": no usable network interface of that name", e);
            }
        }
        return loopback ? ProcessGroupGloo.createDeviceForHostname("127.0.0.1") : ProcessGroupGloo.createDefaultDevice();
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new InputException(DistributedEnvironment.MASTER_ADDR + "=" + host + ": unknown host", e);
        }
    }
}
