package org.nezha.core.distributed;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import org.nezha.core.tensor.Tensors;

/**
 * One rank of the multi-process tests ({@link LocalRanks}): {@code GroupWorker SCENARIO TIMEOUT_MS}.
 * Prints "rank R ok" when its checks pass, "rank R failed after N ms: MESSAGE" when the rendezvous or a
 * collective fails.
 */
final class GroupWorker {
    private GroupWorker() {}

    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        Duration timeout = Duration.ofMillis(Long.parseLong(args[1]));
        DistributedEnvironment env = DistributedEnvironment.fromSystem();
        long start = System.nanoTime();
        DataParallelGroup group;
        try {
            group = DataParallelGroup.open(env, new Device("cpu"), timeout);
        } catch (DistributedException e) {
            failed(env.rank(), start, e);
            System.exit(0);
            return;
        }
        switch (scenario) {
            case "alone" -> throw new AssertionError("the group opened although rank " + env.rank() + " is alone");
            case "collectives" -> collectives(group);
            case "peer-exits" -> peerLost(group, () -> Runtime.getRuntime().halt(0));
            case "peer-hangs" -> peerLost(group, () -> sleep(timeout.plusSeconds(1)));
            default -> throw new IllegalArgumentException(scenario);
        }
        System.out.println("rank " + group.rank() + " ok");
        System.exit(0);
    }

    private static void collectives(DataParallelGroup group) {
        int rank = group.rank();
        try (PointerScope scope = new PointerScope()) {
            Tensor a = torch.arange(Tensors.scalar(5)).mul(Tensors.scalar(rank + 1.0)).set_requires_grad(true); // like a parameter
            Tensor b = torch.full(new long[] {2, 3}, Tensors.scalar(rank + 7.0));
            group.broadcastFromMain(List.of(a, b));
            expect("broadcast a", a, new double[] {0, 1, 2, 3, 4});
            expect("broadcast b", b, new double[] {7, 7, 7, 7, 7, 7});

            Tensor c = torch.arange(Tensors.scalar(1), Tensors.scalar(5)).to(torch.ScalarType.Float).mul(Tensors.scalar(rank + 1.0));
            group.allReduceMean(List.of(c, a));
            expect("all-reduce mean", c, new double[] {1.5, 3, 4.5, 6});
            expect("all-reduce mean of a parameter", a, new double[] {0, 1, 2, 3, 4});
        }
        gradientReducer(group);
        evaluationShards(new DataParallelTraining(group));
        group.barrier();
        group.close();
    }

    /**
     * Odd-sized parameters in four buckets (see GradientReducerTest); the ranks mark them ready in
     * different orders, the first is never marked, one has no gradient on rank 1 and one has none anywhere.
     */
    private static void gradientReducer(DataParallelGroup group) {
        int rank = group.rank();
        Map<String, Tensor> params = GradientReducerTest.parameters();
        List<Tensor> p = List.copyOf(params.values());
        try (GradientReducer reducer = new GradientReducer(params, group, 64)) {
            for (int step = 1; step <= 2; step++) {
                try (PointerScope scope = new PointerScope()) {
                    for (int i = 0; i < p.size(); i++) {
                        Tensor grad = p.get(i).grad();
                        if (grad.defined()) grad.zero_();
                        boolean absent = i == 4 || (i == 2 && rank == 1 && step == 1);
                        if (!absent) p.get(i).mutable_grad().put(gradient(p.get(i), i, (rank + 1.0) * step));
                    }
                    List<List<Tensor>> marks = List.of(List.of(p.get(5), p.get(4)), List.of(p.get(2), new Tensor(p.get(1))),
                            List.of(p.get(3)));
                    for (int m = 0; m < marks.size(); m++) {
                        // Launches happen inside scopes that close before finish(): the pending work must survive.
                        try (PointerScope segment = new PointerScope()) {
                            reducer.gradientsReady(marks.get(rank == 0 ? m : (m + 1) % marks.size()));
                        }
                    }
                    reducer.finish();
                    for (int i = 0; i < p.size(); i++) {
                        double meanFactor = i == 4 ? 0 : i == 2 && step == 1 ? 0.5 : 1.5 * step;
                        expect("step " + step + " grad " + i, p.get(i).grad(), Tensors.toDoubles(gradient(p.get(i), i, meanFactor)));
                    }
                }
            }
        }
    }

    /**
     * Each rank scores its share of the items (uneven, or none at all) as rows of different lengths,
     * negative and fractional values among them; every rank gets all rows back exactly, in item order.
     */
    private static void evaluationShards(DataParallelTraining dp) {
        for (List<Integer> items : List.of(List.of(10, 11, 12, 13, 14), List.of(7))) {
            List<float[]> mine = dp.evaluationShard(items).stream().map(GroupWorker::scores).toList();
            List<float[]> all = dp.gather(mine, items.size());
            for (int i = 0; i < items.size(); i++) {
                if (!java.util.Arrays.equals(all.get(i), scores(items.get(i)))) {
                    throw new AssertionError("item " + i + ": gathered " + java.util.Arrays.toString(all.get(i)) + ", expected "
                            + java.util.Arrays.toString(scores(items.get(i))));
                }
            }
        }
    }

    /** An item's scores: as many as the item's value modulo 4, plus one. */
    private static float[] scores(int item) {
        float[] row = new float[item % 4 + 1];
        for (int k = 0; k < row.length; k++) row[k] = -item / 3f + k * 0.1f;
        return row;
    }

    /** A recognisable gradient for parameter i: (0, 1, 2, …) + 10·i + 1, times {@code factor}. */
    private static Tensor gradient(Tensor param, int i, double factor) {
        return torch.arange(Tensors.scalar(param.numel())).to(torch.ScalarType.Float).add(Tensors.scalar(10.0 * i + 1))
                .mul(Tensors.scalar(factor)).view(param.sizes().vec().get());
    }

    /** Rank 1 leaves (dies or stalls) right after joining; rank 0's all-reduce must fail, not block. */
    private static void peerLost(DataParallelGroup group, Runnable leave) {
        if (group.rank() == 1) {
            leave.run();
            return;
        }
        long start = System.nanoTime();
        try {
            group.allReduceMean(List.of(torch.ones(3)));
            throw new AssertionError("all-reduce succeeded without its peer");
        } catch (DistributedException e) {
            failed(0, start, e);
        }
    }

    private static void failed(int rank, long startNanos, DistributedException e) {
        System.out.println("rank " + rank + " failed after " + (System.nanoTime() - startNanos) / 1_000_000 + " ms: " + e.getMessage());
    }

    private static void expect(String what, Tensor actual, double[] expected) {
        double[] got = Tensors.toDoubles(actual);
        if (got.length != expected.length) throw new AssertionError(what + ": " + got.length + " values, expected " + expected.length);
        for (int i = 0; i < got.length; i++) {
            if (Math.abs(got[i] - expected[i]) > 1e-5) {
                throw new AssertionError(what + "[" + i + "] = " + got[i] + ", expected " + expected[i]);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
