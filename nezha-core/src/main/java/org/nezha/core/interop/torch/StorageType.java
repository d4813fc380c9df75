package org.nezha.core.interop.torch;

import org.bytedeco.pytorch.global.torch.ScalarType;

/** torch's typed storage classes (what a checkpoint's persistent ids name) and the dtype each holds. */
enum StorageType {
    DoubleStorage(ScalarType.Double, 8), FloatStorage(ScalarType.Float, 4), HalfStorage(ScalarType.Half, 2),
    BFloat16Storage(ScalarType.BFloat16, 2), LongStorage(ScalarType.Long, 8), IntStorage(ScalarType.Int, 4),
    ShortStorage(ScalarType.Short, 2), CharStorage(ScalarType.Char, 1), ByteStorage(ScalarType.Byte, 1),
    BoolStorage(ScalarType.Bool, 1);

    final ScalarType dtype;
    final int elementBytes;

    StorageType(ScalarType dtype, int elementBytes) {
        this.dtype = dtype;
        this.elementBytes = elementBytes;
    }

    /** The type called {@code torch.NAME}, or null. */
    static StorageType named(String name) {
        for (StorageType t : values()) if (t.name().equals(name)) return t;
        return null;
    }
}
