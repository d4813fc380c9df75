package org.nezha.core.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.nezha.core.tensor.Tensors;

/** Bucketing and bookkeeping of {@link GradientReducer} on a one-process Gloo group (the mean is the identity). */
class GradientReducerTest {
    private static DataParallelGroup group;

    @BeforeAll
    static void openGroup() throws Exception {
        DistributedEnvironment env = DistributedEnvironment.from(Map.of("WORLD_SIZE", "1",
                "MASTER_PORT", Integer.toString(LocalRanks.freePort())));
        group = DataParallelGroup.open(env, new Device("cpu"), Duration.ofSeconds(10));
    }

    @AfterAll
    static void closeGroup() {
        group.close();
    }

    /** Odd-sized float parameters, in registration order (also used by the multi-process test). */
    static Map<String, Tensor> parameters() {
        Map<String, Tensor> params = new LinkedHashMap<>();
        long[][] shapes = {{7, 3}, {5}, {3, 2}, {11}, {1}, {2, 2, 3}};
        String[] names = {"embeddings.weight", "layer.0.weight", "layer.0.bias", "layer.1.weight", "layer.1.bias", "head.weight"};
        for (int i = 0; i < shapes.length; i++) {
            Tensor p = torch.zeros(shapes[i]).set_requires_grad(true);
            p.retainReference();
            params.put(names[i], p);
        }
        return params;
    }

    @Test
    void bucketsFillInReverseRegistrationOrderUpToTheCap() {
        try (GradientReducer reducer = new GradientReducer(parameters(), group, 64)) {
            assertEquals(List.of(List.of("head.weight", "layer.1.bias"), List.of("layer.1.weight"),
                    List.of("layer.0.bias", "layer.0.weight"), List.of("embeddings.weight")), reducer.bucketNames());
        }
        try (GradientReducer reducer = new GradientReducer(parameters(), group)) {
            assertEquals(1, reducer.bucketNames().size(), "25 MiB holds them all");
        }
    }

    @Test
    void finishKeepsGradientsOfOneProcessAndCreatesMissingOnesAsZeros() {
        Map<String, Tensor> params = parameters();
        List<Tensor> p = List.copyOf(params.values());
        try (GradientReducer reducer = new GradientReducer(params, group, 64)) {
            for (int step = 1; step <= 2; step++) {
                try (PointerScope scope = new PointerScope()) {
                    for (int i = 0; i < p.size(); i++) {
                        if (i != 4) p.get(i).mutable_grad().put(torch.randn(p.get(i).sizes().vec().get()));
                    }
                    List<double[]> before = p.stream().map(t -> t.grad().defined() ? Tensors.toDoubles(t.grad()) : null).toList();
                    reducer.gradientsReady(List.of(p.get(3)));
                    reducer.gradientsReady(List.of(p.get(5), p.get(4)));
                    reducer.finish();
                    for (int i = 0; i < p.size(); i++) {
                        double[] expected = i == 4 && step == 1 ? new double[1] : before.get(i);
                        assertArrayEquals(expected, Tensors.toDoubles(p.get(i).grad()), 1e-6, "parameter " + i + ", step " + step);
                    }
                }
            }
        }
    }

    @Test
    void markingTwiceOrAStrangerIsAMistake() {
        Map<String, Tensor> params = parameters();
        Tensor head = params.get("head.weight");
        try (GradientReducer reducer = new GradientReducer(params, group, 64)) {
            reducer.gradientsReady(List.of(head));
            IllegalStateException twice = assertThrows(IllegalStateException.class, () -> reducer.gradientsReady(List.of(head)));
            assertTrue(twice.getMessage().contains("head.weight"), twice.getMessage());
            assertThrows(IllegalArgumentException.class, () -> reducer.gradientsReady(List.of(head.detach())));
            reducer.finish();
            reducer.gradientsReady(List.of(head)); // a new step
            reducer.finish();
        }
    }

    @Test
    void oneProcessGroupCollectivesAreIdentities() {
        try (PointerScope scope = new PointerScope()) {
            assertEquals(0, group.rank());
            assertEquals(1, group.worldSize());
            assertTrue(group.isMain());
            Tensor t = torch.arange(Tensors.scalar(4));
            group.broadcastFromMain(List.of(t));
            group.allReduceMean(List.of(t));
            group.barrier();
            assertArrayEquals(new double[] {0, 1, 2, 3}, Tensors.toDoubles(t), 1e-6);
        }
    }
}
