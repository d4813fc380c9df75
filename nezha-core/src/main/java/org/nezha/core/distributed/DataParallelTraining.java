package org.nezha.core.distributed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import org.nezha.core.InputException;
import org.nezha.core.model.NezhaModel;
import org.nezha.core.tensor.Tensors;
import org.nezha.core.train.Trainer;

/**
 * A training job's place in data-parallel training, from the environment {@code nezha launch}
 * sets (see {@link DistributedEnvironment}); without it, a single process. Each rank trains on its
 * slice of every global batch (the batchers take {@link #rank()} and {@link #worldSize()}), starts
 * from rank 0's parameters, and averages gradients layer by layer during the backward; only rank 0
 * ({@link #isMain()}) writes logs, checkpoints and models.
 */
public final class DataParallelTraining implements AutoCloseable {
    /** Seconds a collective may wait for a peer before the job fails (a peer died or hangs). */
    public static final String TIMEOUT_VARIABLE = "NEZHA_DIST_TIMEOUT";

    private final DataParallelGroup group;
    private GradientReducer reducer;

    DataParallelTraining(DataParallelGroup group) {
        this.group = group;
    }

    /** Joins the group the environment describes (blocking until every rank is there), or stands alone. */
    public static DataParallelTraining join(Device device) {
        DistributedEnvironment env = DistributedEnvironment.fromSystem();
        if (!env.distributed()) return new DataParallelTraining(null);
        return new DataParallelTraining(DataParallelGroup.open(env, device, timeout(System.getenv(TIMEOUT_VARIABLE))));
    }

    static Duration timeout(String seconds) {
        if (seconds == null) return DataParallelGroup.DEFAULT_TIMEOUT;
        try {
            long s = Long.parseLong(seconds.strip());
            if (s > 0) return Duration.ofSeconds(s);
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InputException(TIMEOUT_VARIABLE + "='" + seconds + "' is not a positive number of seconds");
    }

    public boolean isMain() {
        return group == null || group.isMain();
    }

    public int rank() {
        return group == null ? 0 : group.rank();
    }

    public int worldSize() {
        return group == null ? 1 : group.worldSize();
    }

    /**
     * This rank's share of the items to evaluate: every world-size-th one, starting at its rank; empty
     * when there are fewer items than ranks. {@link #gather} puts the ranks' results back together.
     */
    public <T> List<T> evaluationShard(List<T> items) {
        if (group == null) return items;
        List<T> mine = new ArrayList<>();
        for (int i = rank(); i < items.size(); i += worldSize()) mine.add(items.get(i));
        return mine;
    }

    /**
     * Every rank's per-item rows of floats for its {@link #evaluationShard} of {@code total} items, in
     * item order, on every rank (two all-reduces, so every rank must call it). Rows may differ in
     * length; the floats travel as their bits, so they arrive exact.
     */
    public List<float[]> gather(List<float[]> mine, int total) {
        if (group == null) return mine;
        int expected = total <= rank() ? 0 : Math.ceilDiv(total - rank(), worldSize());
        if (mine.size() != expected) {
            throw new IllegalArgumentException("rank " + rank() + " has " + mine.size() + " results for " + expected + " items");
        }
        long[] lengths = new long[total];
        for (int j = 0, i = rank(); i < total; i += worldSize(), j++) lengths[i] = mine.get(j).length;
        lengths = group.sumOverRanks(lengths);
        long[] offsets = new long[total + 1];
        for (int i = 0; i < total; i++) offsets[i + 1] = offsets[i] + lengths[i];
        long[] placed = new long[Math.toIntExact(offsets[total])]; // zeros where another rank's results go
        for (int j = 0, i = rank(); i < total; i += worldSize(), j++) {
            float[] row = mine.get(j);
            for (int k = 0; k < row.length; k++) placed[(int) offsets[i] + k] = Float.floatToRawIntBits(row[k]);
        }
        long[] all = group.sumOverRanks(placed);
        List<float[]> result = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            float[] row = new float[(int) lengths[i]];
            for (int k = 0; k < row.length; k++) row[k] = Float.intBitsToFloat((int) all[(int) offsets[i] + k]);
            result.add(row);
        }
        return result;
    }

    /**
     * Every rank's rows of {@code local} ([n, …], n may differ between ranks and be 0) stacked in rank
     * order, on every rank, for a loss over the global batch (in-batch negatives from all processes).
     * Gradients flow into this rank's own rows only; the other ranks' rows arrive as constants, as
     * their own ranks backpropagate into them. Each rank places its rows at its offset in a block of
     * zeros and the blocks are summed, so the values arrive exact. Every rank must call it.
     */
    public Tensor gatherRows(Tensor local) {
        if (group == null) return local;
        long[] counts = new long[worldSize()];
        counts[rank()] = local.size(0);
        counts = group.sumOverRanks(counts);
        long before = 0, total = 0;
        for (int r = 0; r < counts.length; r++) {
            if (r < rank()) before += counts[r];
            total += counts[r];
        }
        long[] shape = local.sizes().vec().get();
        shape[0] = total;
        Tensor all = torch.zeros(shape, Tensors.options(local.scalar_type(), local.device()));
        try (NoGradGuard noGrad = new NoGradGuard()) {
            all.narrow(0, before, local.size(0)).copy_(local.detach());
        }
        group.startAllReduceSum(all).await();
        return torch.cat(new TensorVector(all.narrow(0, 0, before), local,
                all.narrow(0, before + local.size(0), total - before - local.size(0))), 0);
    }

    /**
     * Makes {@code trainer} average gradients across the ranks: copies rank 0's parameters everywhere,
     * buckets the gradients, and starts each layer's all-reduce as the model's backward finishes it.
     * Call after the parameters are on their device.
     */
    public void attach(NezhaModel model, Trainer trainer) {
        if (group == null) return;
        List<Tensor> parameters = new ArrayList<>(model.parameters().asMap().values());
        group.broadcastFromMain(parameters);
        if (reducer != null) reducer.close(); // a benchmark attaches one model after another
        reducer = new GradientReducer(model.parameters().asMap(), group);
        trainer.synchronizeGradients(reducer, group.worldSize());
        model.encoder().onGradientsReady(trainer::gradientsReady);
    }

    /** At the end of a job that went well: returns once every rank is there, so none leaves while another still needs it. */
    public void awaitOthers() {
        if (group != null) group.barrier();
    }

    /** Leaves the group (a failed rank leaves at once; the others then fail within the timeout). */
    @Override
    public void close() {
        if (group == null) return;
        if (reducer != null) reducer.close();
        group.close();
    }
}
