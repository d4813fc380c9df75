package org.nezha.core.model;

import java.util.HashMap;
import java.util.Map;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import org.nezha.core.tensor.Tensors;

/**
 * NEZHA's functional relative positions: the sinusoid table {@code T[r, 2i] = sin(r·w_i)},
 * {@code T[r, 2i+1] = cos(r·w_i)}, {@code w_i = 10000^(-2i/d)}, r in [0, 2K], built in fp32 exactly
 * as HF builds it; and per sequence length the [L, L, d] gather {@code T[clip(j − i, −K, K) + K]}.
 * One table serves keys, values, heads and layers.
 */
public final class RelativePositionTable {
    private final int maxRelativePosition;
    private final int depth;
    private final Tensor table;
    private final Map<String, Tensor> byLength = new HashMap<>();

    public RelativePositionTable(int maxRelativePosition, int depth) {
        if (depth % 2 != 0) throw new IllegalArgumentException("relative position depth must be even, got " + depth);
        this.maxRelativePosition = maxRelativePosition;
        this.depth = depth;
        this.table = buildTable(maxRelativePosition, depth);
        table.retainReference();
    }

    static Tensor buildTable(int k, int depth) {
        TensorOptions f32 = new TensorOptions(ScalarType.Float);
        Tensor position = torch.arange(Tensors.scalar(0), Tensors.scalar(2 * k + 1), f32).unsqueeze(1);
        Tensor divTerm = torch.exp(torch.arange(Tensors.scalar(0), Tensors.scalar(depth), Tensors.scalar(2), f32)
                .mul(Tensors.scalar(-Math.log(10000.0) / depth)));
        Tensor angles = position.mul(divTerm);
        // interleave: column 2i = sin, 2i+1 = cos
        return torch.stack(new org.bytedeco.pytorch.TensorVector(torch.sin(angles), torch.cos(angles)), 2)
                .reshape(2 * k + 1, depth).contiguous();
    }

    /** The [2K+1, d] table (fp32, CPU). */
    public Tensor table() {
        return table;
    }

    /** The [2K+1, d] fp32 table on {@code device}, contiguous (cached per device): what the fused kernels read. */
    public synchronized Tensor table(Device device) {
        if (device.is_cpu()) return table;
        String key = "table/" + device.str().getString();
        Tensor cached = byLength.get(key);
        if (cached == null) {
            cached = table.to(device, ScalarType.Float).contiguous();
            cached.retainReference();
            byLength.put(key, cached);
        }
        return cached;
    }

    public int maxRelativePosition() {
        return maxRelativePosition;
    }

    public int depth() {
        return depth;
    }

    /** Frees the cached device tables and [L, L, d] embeddings (when a benchmark case ends). */
    public synchronized void releaseCaches() {
        byLength.values().forEach(Tensor::releaseReference);
        byLength.clear();
    }

    /** Bucket index matrix r[i][j] = clip(j − i, −K, K) + K, int64 [L, L]. */
    public Tensor bucketIndex(long length, Device device) {
        Tensor range = torch.arange(Tensors.integer(length), new TensorOptions(ScalarType.Long));
        Tensor distance = range.unsqueeze(0).sub(range.unsqueeze(1));
        Tensor clipped = torch.clamp(distance, new org.bytedeco.pytorch.ScalarOptional(Tensors.integer(-maxRelativePosition)),
                new org.bytedeco.pytorch.ScalarOptional(Tensors.integer(maxRelativePosition)));
        Tensor r = clipped.add(Tensors.integer(maxRelativePosition));
        return device.is_cpu() ? r : r.to(device, ScalarType.Long);
    }

    /** {@code T[r_ij]} as [L, L, d] in the requested dtype and device; cached, since every layer asks for it. */
    public synchronized Tensor embeddings(long length, ScalarType dtype, Device device) {
        String key = length + "/" + dtype.intern() + "/" + device.str().getString();
        Tensor cached = byLength.get(key);
        if (cached != null) return cached;
        Tensor t = table.to(device, dtype);
        Tensor gathered = torch.index_select(t, 0, bucketIndex(length, device).reshape(-1)).reshape(length, length, depth);
        gathered.retainReference();
        byLength.put(key, gathered);
        return gathered;
    }
}
