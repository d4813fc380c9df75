package org.nezha.core.interop;

import java.util.Arrays;

import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * One tensor as a checkpoint lists it, known before any of its data is read: the name it is stored
 * under, its dtype (by the format's own name, and as libtorch's type when this engine can read it),
 * its shape and its stored size.
 *
 * @param dtype null when the tensor cannot be read ({@code unreadable} says why)
 */
public record StoredTensor(String name, String dtypeName, ScalarType dtype, long[] shape, long bytes, String unreadable) {
    public static StoredTensor readable(String name, String dtypeName, ScalarType dtype, long[] shape, long bytes) {
        return new StoredTensor(name, dtypeName, dtype, shape, bytes, null);
    }

    public long elements() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    public boolean isFloatingPoint() {
        return dtype == ScalarType.Float || dtype == ScalarType.Double || dtype == ScalarType.Half || dtype == ScalarType.BFloat16;
    }

    public String shapeText() {
        return Arrays.toString(shape);
    }
}
