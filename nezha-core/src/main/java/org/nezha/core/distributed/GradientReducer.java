package org.nezha.core.distributed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.Tensor;

import org.nezha.core.tensor.Tensors;
import org.nezha.core.train.GradientSync;

/**
 * Averages the parameters' gradients over a {@link DataParallelGroup} while the backward still runs,
 * as PyTorch's DistributedDataParallel does. Parameters are grouped into buckets of at most
 * {@code bucketCapBytes}, in reverse registration order (the backward finishes the last layers
 * first); a bucket is all-reduced asynchronously as soon as all its gradients are final.
 *
 * <p>Per step, on every rank:
 * <ol>
 *   <li>during the backward, {@link #gradientsReady} with the parameters whose gradients no later
 *       backward segment adds to — e.g. a layer's parameters once its segment's backward has run.
 *       A parameter used in two places (the word embeddings tied to the MLM decoder) is ready only
 *       at the end. Marking is optional: {@link #finish} covers what was never marked;</li>
 *   <li>{@link #finish}: launches the rest, waits, and leaves every {@code p.grad()} holding the mean
 *       over the ranks (a parameter without a gradient counts as zeros and gets one);</li>
 *   <li>then clip, unscale or step the optimizer as in single-process training.</li>
 * </ol>
 * Ranks may mark parameters in different orders: buckets are launched strictly in bucket order, which
 * is the same everywhere. The trainer keeps ranks in lock-step by running the same number of steps.
 */
public final class GradientReducer implements GradientSync, AutoCloseable {
    public static final long DEFAULT_BUCKET_CAP_BYTES = 25L << 20;

    private final DataParallelGroup group;
    private final List<String> names;
    private final List<GradientBucket> buckets = new ArrayList<>();
    /** TensorImpl address → parameter index: callers may hold other Java handles to the same parameter. */
    private final Map<Long, Integer> indexOf = new HashMap<>();
    private final int[] bucketOf;
    private final boolean[] ready;
    private int[] unready;
    private int launched;

    public GradientReducer(Map<String, Tensor> parameters, DataParallelGroup group) {
        this(parameters, group, DEFAULT_BUCKET_CAP_BYTES);
    }

    /** {@code parameters}: name → parameter in registration order (a model's parameter store). */
    public GradientReducer(Map<String, Tensor> parameters, DataParallelGroup group, long bucketCapBytes) {
        if (bucketCapBytes <= 0) throw new IllegalArgumentException("bucket cap must be positive: " + bucketCapBytes);
        if (parameters.isEmpty()) throw new IllegalArgumentException("no parameters to reduce");
        this.group = group;
        this.names = List.copyOf(parameters.keySet());
        List<Tensor> tensors = List.copyOf(parameters.values());
        bucketOf = new int[tensors.size()];
        ready = new boolean[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) indexOf.put(identity(tensors.get(i)), i);

        List<Integer> current = new ArrayList<>();
        long currentBytes = 0;
        for (int i = tensors.size() - 1; i >= 0; i--) {
            Tensor p = tensors.get(i);
            if (!current.isEmpty() && (currentBytes + p.nbytes() > bucketCapBytes || !sameKind(tensors.get(current.get(0)), p))) {
                addBucket(current, tensors);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(i);
            currentBytes += p.nbytes();
        }
        addBucket(current, tensors);
        unready = initialUnready();
    }

    /** The parameter names of each bucket, in the order the buckets are all-reduced. */
    public List<List<String>> bucketNames() {
        return buckets.stream().map(GradientBucket::names).toList();
    }

    /** These parameters' gradients are final for this step; full buckets start their all-reduce now. */
    @Override
    public void gradientsReady(Collection<Tensor> parameters) {
        for (Tensor p : parameters) {
            Integer index = indexOf.get(identity(p));
            if (index == null) throw new IllegalArgumentException("not a parameter of this reducer: " + p);
            markReady(index);
        }
        launchReadyBuckets();
    }

    /** Reduces what is left, waits for every bucket and writes the mean gradients; then ready for the next step. */
    @Override
    public void finish() {
        try {
            for (int i = 0; i < ready.length; i++) if (!ready[i]) markReady(i);
            launchReadyBuckets();
            for (GradientBucket bucket : buckets) bucket.finish(group.worldSize());
        } finally {
            Arrays.fill(ready, false);
            unready = initialUnready();
            launched = 0;
        }
    }

    @Override
    public Tensor averageOverProcesses(Tensor value) {
        group.allReduceMean(List.of(value));
        return value;
    }

    /** Frees the buckets' buffers. */
    @Override
    public void close() {
        buckets.forEach(GradientBucket::close);
    }

    private void markReady(int index) {
        if (ready[index]) throw new IllegalStateException("gradient of " + names.get(index) + " marked ready twice in one step");
        ready[index] = true;
        unready[bucketOf[index]]--;
    }

    /** Launches ready buckets in bucket order, so every rank issues the same all-reduces in the same order. */
    private void launchReadyBuckets() {
        while (launched < buckets.size() && unready[launched] == 0) buckets.get(launched++).launch(group);
    }

    private void addBucket(List<Integer> indices, List<Tensor> tensors) {
        for (int i : indices) bucketOf[i] = buckets.size();
        buckets.add(new GradientBucket(indices.stream().map(names::get).toList(), indices.stream().map(tensors::get).toList()));
    }

    private int[] initialUnready() {
        int[] counts = new int[buckets.size()];
        for (int b : bucketOf) counts[b]++;
        return counts;
    }

    private static boolean sameKind(Tensor a, Tensor b) {
        return Tensors.dtype(a) == Tensors.dtype(b) && a.device().str().getString().equals(b.device().str().getString());
    }

    private static long identity(Tensor t) {
        return t.unsafeGetTensorImpl().address();
    }
}
