package org.nezha.core.tensor;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Small conversions between Java arrays and libtorch tensors that every layer of the engine needs. */
public final class Tensors {
    private Tensors() {}

    /**
     * A new int64 tensor of the given shape holding a copy of {@code values}, on {@code device} (null:
     * the CPU). For a GPU the values go through pinned memory and the copy is asynchronous on the
     * current stream (libtorch's pinned allocator keeps the buffer until the copy is done).
     */
    public static Tensor longs(long[] values, Device device, long... shape) {
        boolean gpu = device != null && !device.is_cpu();
        Tensor host = hostLongs(values, gpu, shape);
        return gpu ? copyAsync(host, device) : host;
    }

    /**
     * A new int64 host tensor holding a copy of {@code values}, in pinned memory when {@code pinned} (bound
     * for a GPU). Made on a background thread, it belongs to no PointerScope until {@link #onDevice}.
     */
    public static Tensor hostLongs(long[] values, boolean pinned, long... shape) {
        try (LongPointer data = new LongPointer(values)) {
            Tensor host = torch.from_blob(data, shape, new TensorOptions(ScalarType.Long)).clone();
            return pinned ? host.pin_memory() : host;
        }
    }

    /**
     * A host tensor from {@link #hostLongs} on {@code device}: the host tensor joins the current
     * PointerScope (freed with the step), and for a GPU the copy is asynchronous on the current stream.
     */
    public static Tensor onDevice(Tensor host, Device device) {
        PointerScope scope = PointerScope.getInnerScope();
        if (scope != null) scope.attach(host);
        return device.is_cpu() ? host : copyAsync(host, device);
    }

    private static Tensor copyAsync(Tensor pinnedLongs, Device device) {
        return pinnedLongs.to(device, ScalarType.Long, true, false, new MemoryFormatOptional());
    }

    /** A new float32 tensor of the given shape holding a copy of {@code values} (CPU). */
    public static Tensor floats(float[] values, long... shape) {
        try (FloatPointer data = new FloatPointer(values)) {
            return torch.from_blob(data, shape, new TensorOptions(ScalarType.Float)).clone();
        }
    }

    /** A new float64 tensor of the given shape holding a copy of {@code values} (CPU). */
    public static Tensor doubles(double[] values, long... shape) {
        try (DoublePointer data = new DoublePointer(values)) {
            return torch.from_blob(data, shape, new TensorOptions(ScalarType.Double)).clone();
        }
    }

    /** The tensor's elements as float32 values, row-major (copies to the CPU if needed). */
    public static float[] toFloats(Tensor t) {
        Tensor c = t.detach().to(ScalarType.Float).cpu().contiguous();
        float[] out = new float[(int) c.numel()];
        new FloatPointer(c.data_ptr_float()).capacity(out.length).get(out);
        return out;
    }

    /** The tensor's elements as float64 values, row-major (copies to the CPU if needed). */
    public static double[] toDoubles(Tensor t) {
        Tensor c = t.detach().to(ScalarType.Double).cpu().contiguous();
        double[] out = new double[(int) c.numel()];
        new DoublePointer(c.data_ptr_double()).capacity(out.length).get(out);
        return out;
    }

    /** The tensor's elements as int64 values, row-major (copies to the CPU if needed). */
    public static long[] toLongs(Tensor t) {
        Tensor c = t.detach().to(ScalarType.Long).cpu().contiguous();
        long[] out = new long[(int) c.numel()];
        new LongPointer(c.data_ptr_long()).capacity(out.length).get(out);
        return out;
    }

    public static Scalar scalar(double value) {
        return new Scalar(value);
    }

    /** An integral scalar: integer ops with a double scalar would promote their result to floating point. */
    public static Scalar integer(long value) {
        return new Scalar(value);
    }

    /** An uninitialised tensor (every element must be written before it is read). */
    public static Tensor empty(TensorOptions options, long... shape) {
        return torch.empty(shape, options, new org.bytedeco.pytorch.MemoryFormatOptional());
    }

    public static TensorOptions options(ScalarType dtype, Device device) {
        return new TensorOptions(dtype).device(new DeviceOptional(device));
    }

    /** The dtype, interned: JavaCPP enums coming back from native code are not always the canonical constants. */
    public static ScalarType dtype(Tensor t) {
        return t.scalar_type().intern();
    }
}
