package org.nezha.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import org.nezha.core.InputException;
import org.nezha.core.distributed.DistributedEnvironment;

/** {@code nezha launch}: starts one nezha process per device on this machine for data-parallel training. */
@Command(name = "launch", mixinStandardHelpOptions = true, sortOptions = false,
        modelTransformer = LaunchCommand.StopAtCommand.class,
        description = {"Run a nezha command as N cooperating processes on this machine (one per GPU, or several on a "
                + "CPU box), and with --nnodes on several machines, for data-parallel training.",
                "Each process gets the environment PyTorch's launchers set: WORLD_SIZE (N × nodes), RANK "
                        + "(node rank × N + local index), LOCAL_RANK, MASTER_ADDR and MASTER_PORT; rank 0 serves the "
                        + "rendezvous at MASTER_ADDR:MASTER_PORT. The processes run the same java with the same JVM "
                        + "options and class path as this one.",
                "Their output is copied here, every line prefixed with [rank K]. When one process fails, the others "
                        + "are stopped (killed after a few seconds) and launch exits with the failed one's exit code; "
                        + "Ctrl-C stops them all. Run it on every machine with the same options except --node-rank.",
                "All processes follow one seeded order of the training data, reshuffled every epoch. --batch-size B "
                        + "is per process: each global batch is the next W × B examples of that order (W = WORLD_SIZE, "
                        + "the processes on all machines), and the process of RANK r trains on the batch's examples r, "
                        + "r + W, r + 2W, … (from 0). Each weights its loss by its share of the global batch, and "
                        + "gradients are averaged over Gloo (--device cpu) or NCCL (--device cuda, each process on "
                        + "cuda:LOCAL_RANK), so with dropout 0 the run gives the losses and weights of one process with "
                        + "--batch-size W × B, within float rounding; for pretraining too, as a sequence is masked the "
                        + "same on any process and the loss is the mean over the global batch's masked tokens. With "
                        + "dropout on, the dropout masks are not those one process would draw. Only rank 0 writes. A "
                        + "collective waits at most NEZHA_DIST_TIMEOUT seconds (default 600) for a dead or hung peer, "
                        + "then fails."},
        footerHeading = "%nExamples:%n",
        footer = {"  One machine with 4 GPUs:",
                "    nezha launch --nproc-per-node 4 -- pretrain --device cuda --train T ...",
                "  A 16-core CPU machine, 2 processes of 8 threads each:",
                "    nezha launch --nproc-per-node 2 -- finetune --threads 8 --train T ...",
                "  Two machines with 8 GPUs each; machine 0 (10.0.0.1) serves the rendezvous:",
                "    on 10.0.0.1:  nezha launch --nproc-per-node 8 --nnodes 2 --node-rank 0 \\",
                "                    --master-addr 10.0.0.1 --master-port 29500 -- pretrain ...",
                "    on the other: nezha launch --nproc-per-node 8 --nnodes 2 --node-rank 1 \\",
                "                    --master-addr 10.0.0.1 --master-port 29500 -- pretrain ..."})
final class LaunchCommand implements Callable<Integer> {
    /** How long stopped processes get to exit (and write their last words) before they are killed. */
    private static final Duration GRACE = Duration.ofSeconds(5);
    static final String OMP_WAIT_POLICY = "OMP_WAIT_POLICY";

    @Spec CommandSpec spec;

    @Option(names = "--nproc-per-node", required = true, paramLabel = "N",
            description = "Processes to start on this machine (usually its number of GPUs).")
    int processesPerNode;

    @Option(names = "--nnodes", defaultValue = "1", paramLabel = "M", description = "Machines taking part. Default: ${DEFAULT-VALUE}.")
    int nodes;

    @Option(names = "--node-rank", defaultValue = "0", paramLabel = "R",
            description = "This machine's index, 0 to M-1; machine 0 runs rank 0. Default: ${DEFAULT-VALUE}.")
    int nodeRank;

    @Option(names = "--master-addr", paramLabel = "HOST",
            description = "Host name or address of machine 0, reachable from every machine. Default: "
                    + DistributedEnvironment.DEFAULT_MASTER_ADDR + " (required with --nnodes above 1).")
    String masterAddr;

    @Option(names = "--master-port", defaultValue = "" + DistributedEnvironment.DEFAULT_MASTER_PORT, paramLabel = "PORT",
            description = "Free TCP port on machine 0 for the rendezvous. Default: ${DEFAULT-VALUE}.")
    int masterPort;

    @Parameters(arity = "1..*", paramLabel = "COMMAND",
            description = "The nezha command every process runs, with its options. Launch's own options come "
                    + "first; a -- before the command is optional.")
    List<String> command;

    @Override
    public Integer call() throws InterruptedException {
        validate();
        PrintWriter err = spec.commandLine().getErr();
        WorkerProcesses workers = new WorkerProcesses(spec.commandLine().getOut(), err, GRACE);
        Thread stopOnExit = new Thread(workers::stopAll, "nezha-launch-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            for (int local = 0; local < processesPerNode; local++) {
                workers.start(rank(local), childCommand(), environment(local, System.getenv()));
            }
            WorkerProcesses.Outcome outcome = workers.await();
            err.println(summary(outcome));
            return outcome.exitCode();
        } finally {
            workers.stopAll();
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        }
    }

    private void validate() {
        if (processesPerNode < 1) throw new InputException("--nproc-per-node must be at least 1, got " + processesPerNode);
        if (nodes < 1) throw new InputException("--nnodes must be at least 1, got " + nodes);
        if (nodeRank < 0 || nodeRank >= nodes) {
            throw new InputException("--node-rank " + nodeRank + " must be in [0, " + nodes + ") for --nnodes " + nodes);
        }
        if (masterPort < 1 || masterPort > 65535) throw new InputException("--master-port " + masterPort + " is not a port (1 to 65535)");
        if (masterAddr == null && nodes > 1) {
            throw new InputException("--nnodes " + nodes + " needs --master-addr: the address of machine 0 that every machine can reach");
        }
        if (masterAddr != null && masterAddr.isBlank()) throw new InputException("--master-addr is empty");
        if (command.getFirst().equals("launch")) throw new InputException("launch cannot launch itself; give the command to run");
    }

    /** This JVM again (same java, JVM options and class path) running {@code nezha COMMAND}. */
    private List<String> childCommand() {
        List<String> java = new ArrayList<>();
        java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        java.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        java.addAll(List.of("-cp", System.getProperty("java.class.path"), NezhaCli.class.getName()));
        java.addAll(command);
        return java;
    }

    private int rank(int localRank) {
        return nodeRank * processesPerNode + localRank;
    }

    /**
     * What process {@code localRank} gets on top of {@code inherited} (this process's environment): the
     * variables {@link DistributedEnvironment} reads, and a passive OpenMP wait policy unless one is set
     * (several processes share the CPU; libtorch's spinning threads would take cores from each other).
     */
    Map<String, String> environment(int localRank, Map<String, String> inherited) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(DistributedEnvironment.MASTER_ADDR, masterAddr == null ? DistributedEnvironment.DEFAULT_MASTER_ADDR : masterAddr);
        env.put(DistributedEnvironment.MASTER_PORT, Integer.toString(masterPort));
        env.put(DistributedEnvironment.WORLD_SIZE, Integer.toString(processesPerNode * nodes));
        env.put(DistributedEnvironment.RANK, Integer.toString(rank(localRank)));
        env.put(DistributedEnvironment.LOCAL_RANK, Integer.toString(localRank));
        env.put(DistributedEnvironment.LOCAL_WORLD_SIZE, Integer.toString(processesPerNode));
        if (!inherited.containsKey(OMP_WAIT_POLICY)) env.put(OMP_WAIT_POLICY, "PASSIVE");
        return env;
    }

    private static String summary(WorkerProcesses.Outcome outcome) {
        if (outcome.firstFailure() == null) {
            return "launch: " + outcome.processes() + (outcome.processes() == 1 ? " process" : " processes") + " finished, all exit 0";
        }
        String failed = "launch: rank " + outcome.firstFailure().rank() + " exited with code " + outcome.exitCode();
        int stopped = outcome.stopped();
        return stopped == 0 ? failed : failed + "; stopped " + stopped + (stopped == 1 ? " other process" : " other processes");
    }

    /**
     * Everything from the first positional on belongs to the launched command, even without "--":
     * its options are not launch's.
     */
    static final class StopAtCommand implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            spec.parser().stopAtPositional(true);
            return spec;
        }
    }
}
