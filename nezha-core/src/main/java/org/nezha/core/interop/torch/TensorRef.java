package org.nezha.core.interop.torch;

import java.nio.file.Path;
import java.util.Arrays;

import org.nezha.core.InputException;

/** What {@code torch._utils._rebuild_tensor_v2} would build: a strided view of a storage. */
record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
    long numel() {
        long n = 1;
        for (long s : size) n = Math.multiplyExact(n, s);
        return n;
    }

    /** Fails unless every element of the view lies inside its storage. */
    void checkFits(Path file, String name) {
        if (size.length != stride.length) {
            throw InputException.in(file, "tensor " + name + " has " + size.length + " sizes but " + stride.length + " strides");
        }
        try {
            checkLastElement(file, name);
            numel();
        } catch (ArithmeticException e) {
            throw InputException.in(file, "tensor " + name + " has a size or stride beyond 64-bit offsets");
        }
    }

    private void checkLastElement(Path file, String name) {
        long last = offset;
        boolean empty = false;
        for (int i = 0; i < size.length; i++) {
            if (size[i] < 0 || stride[i] < 0) throw InputException.in(file, "tensor " + name + " has a negative size or stride");
            if (size[i] == 0) empty = true;
            else last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
        }
        if (offset < 0 || (!empty && last >= storage.numel())) {
            throw InputException.in(file, "tensor " + name + " (offset " + offset + ", size " + Arrays.toString(size)
                    + ", stride " + Arrays.toString(stride) + ") reaches past its storage of " + storage.numel() + " elements");
        }
    }
}
