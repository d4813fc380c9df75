package org.nezha.core.distributed;

import java.util.Map;

import org.bytedeco.pytorch.Device;

import org.nezha.core.InputException;
import org.nezha.core.tensor.ComputeDevice;

/**
 * Where this process sits in a data-parallel job, read from the environment that {@code nezha launch}
 * (or torchrun, or a cluster scheduler) sets — the same variables as PyTorch's:
 * <ul>
 *   <li>{@code MASTER_ADDR} (default 127.0.0.1), {@code MASTER_PORT} (default 29500): the rendezvous
 *       store that rank 0 serves;</li>
 *   <li>{@code WORLD_SIZE} (default 1), {@code RANK} (default 0), {@code LOCAL_RANK} (default RANK):
 *       the number of processes, this one's place among them, and its place on this machine (its GPU);</li>
 *   <li>{@code LOCAL_WORLD_SIZE} (default 1): the processes on this machine, which share its memory;</li>
 *   <li>{@code GLOO_SOCKET_IFNAME} (optional): the network interface Gloo uses between machines.</li>
 * </ul>
 * {@link #distributed()} is true when WORLD_SIZE is set, even to 1: a one-process group then still
 * runs its collectives, which measures their overhead.
 *
 * @param socketInterface GLOO_SOCKET_IFNAME, or null when unset
 */
public record DistributedEnvironment(String masterAddr, int masterPort, int worldSize, int rank, int localRank,
        int localWorldSize, String socketInterface, boolean distributed) {
    public static final String MASTER_ADDR = "MASTER_ADDR";
    public static final String MASTER_PORT = "MASTER_PORT";
    public static final String WORLD_SIZE = "WORLD_SIZE";
    public static final String RANK = "RANK";
    public static final String LOCAL_RANK = "LOCAL_RANK";
    public static final String LOCAL_WORLD_SIZE = "LOCAL_WORLD_SIZE";
    public static final String GLOO_SOCKET_IFNAME = "GLOO_SOCKET_IFNAME";

    public static final String DEFAULT_MASTER_ADDR = "127.0.0.1";
    public static final int DEFAULT_MASTER_PORT = 29500;

    /** This process's environment. */
    public static DistributedEnvironment fromSystem() {
        return from(System.getenv());
    }

    /** Reads and checks the variables; a malformed or inconsistent one is an {@link InputException} naming it. */
    public static DistributedEnvironment from(Map<String, String> env) {
        String addr = env.getOrDefault(MASTER_ADDR, DEFAULT_MASTER_ADDR).strip();
        if (addr.isEmpty()) throw new InputException(MASTER_ADDR + " is empty: set it to the host name or address of rank 0");
        int port = number(env, MASTER_PORT, DEFAULT_MASTER_PORT);
        if (port < 1 || port > 65535) throw new InputException(MASTER_PORT + "=" + port + " is not a port (1 to 65535)");
        int world = number(env, WORLD_SIZE, 1);
        if (world < 1) throw new InputException(WORLD_SIZE + "=" + world + " must be at least 1");
        int rank = number(env, RANK, 0);
        if (rank < 0 || rank >= world) {
            throw new InputException(RANK + "=" + rank + " must be in [0, " + world + ") for " + WORLD_SIZE + "=" + world);
        }
        int localRank = number(env, LOCAL_RANK, rank);
        if (localRank < 0 || localRank >= world) {
            throw new InputException(LOCAL_RANK + "=" + localRank + " must be in [0, " + world + ") for " + WORLD_SIZE + "=" + world);
        }
        int localWorld = number(env, LOCAL_WORLD_SIZE, 1);
        if (localWorld < 1 || localWorld > world) {
            throw new InputException(LOCAL_WORLD_SIZE + "=" + localWorld + " must be in [1, " + world + "] for " + WORLD_SIZE + "=" + world);
        }
        String socketInterface = env.get(GLOO_SOCKET_IFNAME);
        if (socketInterface != null && socketInterface.isBlank()) socketInterface = null;
        return new DistributedEnvironment(addr, port, world, rank, localRank, localWorld, socketInterface,
                env.containsKey(WORLD_SIZE));
    }

    public boolean isMain() {
        return rank == 0;
    }

    /** The {@code --device} named {@code name}; in a data-parallel job a plain {@code cuda} is this process's GPU, cuda:LOCAL_RANK. */
    public Device device(String name) {
        return ComputeDevice.select(distributed && name.equals("cuda") ? "cuda:" + localRank : name);
    }

    private static int number(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null) return fallback;
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new InputException(name + "='" + value + "' is not a whole number");
        }
    }
}
