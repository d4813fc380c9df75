package org.nezha.bindings;

import java.lang.reflect.Method;
import java.util.Arrays;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * What native code needs to know of a JavaCPP libtorch {@link Tensor}: the address of its first
 * element, sizes and element strides, element type and device. The tensor must stay alive (and
 * unmoved) while native code uses the address; callers keep the Tensor referenced.
 *
 * @param device −1 for the CPU, else the CUDA device ordinal
 */
public record NativeTensor(String name, long address, long[] sizes, long[] strides, ScalarType dtype, int device) {
    public static final int CPU = -1;

    /** Bridges a tensor; {@code name} appears in every error message about it. */
    public static NativeTensor of(String name, Tensor t) {
        if (t == null || !t.defined()) throw new IllegalArgumentException(name + ": tensor is not defined");
        int rank = (int) t.dim();
        long[] sizes = new long[rank];
        long[] strides = new long[rank];
        for (int i = 0; i < rank; i++) {
            sizes[i] = t.size(i);
            strides[i] = t.stride(i);
        }
        int device;
        if (t.is_cuda()) device = t.device().index();
        else if (t.device().is_cpu()) device = CPU;
        else throw new IllegalArgumentException(name + ": tensors on " + t.device().str().getString() + " are not supported");
        // JavaCPP enums from native code are not the canonical constants until interned
        return new NativeTensor(name, t.data_ptr().address(), sizes, strides, t.scalar_type().intern(), device);
    }

    public int rank() {
        return sizes.length;
    }

    public NativeTensor requireShape(long... expected) {
        if (!Arrays.equals(sizes, expected)) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(sizes) + ", expected " + Arrays.toString(expected));
        }
        return this;
    }

    public NativeTensor requireDtype(ScalarType expected) {
        if (dtype != expected) throw new IllegalArgumentException(name + ": dtype " + dtype + ", expected " + expected);
        return this;
    }

    public NativeTensor requireDevice(int expected) {
        if (device != expected) {
            throw new IllegalArgumentException(name + ": on " + deviceName(device) + ", expected " + deviceName(expected));
        }
        return this;
    }

    /** Row-major contiguous (the stride of each dimension is the product of the later sizes). */
    public NativeTensor requireContiguous() {
        long expected = 1;
        for (int i = rank() - 1; i >= 0; i--) {
            if (sizes[i] != 1 && strides[i] != expected) {
                throw new IllegalArgumentException(name + ": must be contiguous, strides " + Arrays.toString(strides)
                        + " for shape " + Arrays.toString(sizes));
            }
            expected *= sizes[i];
        }
        return this;
    }

    public NativeTensor requireUnitLastStride() {
        if (sizes[rank() - 1] != 1 && strides[rank() - 1] != 1) {
            throw new IllegalArgumentException(name + ": the last dimension must have stride 1, strides " + Arrays.toString(strides));
        }
        return this;
    }

    public static String deviceName(int device) {
        return device == CPU ? "cpu" : "cuda:" + device;
    }

    /**
     * The address of libtorch's current CUDA stream on {@code device} (0 for the CPU, and 0 for the
     * legacy default stream, whose handle is null: JavaCPP returns no object for it). Reached by
     * reflection because its Java type comes from the CUDA presets, present only in GPU builds.
     */
    public static long currentStream(int device) {
        if (device == CPU) return 0;
        try {
            Object stream = CudaStreams.CURRENT.invoke(null, (byte) device);
            Pointer handle = (Pointer) CudaStreams.HANDLE.invoke(stream);
            return handle == null ? 0 : handle.address();
        } catch (ReflectiveOperationException | ExceptionInInitializerError | NoClassDefFoundError e) {
            throw new IllegalStateException("cannot get the current CUDA stream of cuda:" + device + " (is this a GPU build?)", e);
        }
    }

    /** torch_cuda.getCurrentCUDAStream(byte) and CUDAStream.stream(), looked up once, on the first CUDA call. */
    private static final class CudaStreams {
        static final Method CURRENT, HANDLE;

        static {
            try {
                CURRENT = Class.forName("org.bytedeco.pytorch.global.torch_cuda").getMethod("getCurrentCUDAStream", byte.class);
                HANDLE = CURRENT.getReturnType().getMethod("stream");
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }
}
