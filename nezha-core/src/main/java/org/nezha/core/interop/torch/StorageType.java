package org.nezha.core.interop.torch;

import org.bytedeco.pytorch.global.torch.ScalarType;

/** torch's typed storage classes (what a checkpoint's persistent ids name) and the dtype each holds. */
enum StorageType {
    DoubleStorage(ScalarType.Double, 8, "float64"), FloatStorage(ScalarType.Float, 4, "float32"),
    HalfStorage(ScalarType.Half, 2, "float16"), BFloat16Storage(ScalarType.BFloat16, 2, "bfloat16"),
    LongStorage(ScalarType.Long, 8, "int64"), IntStorage(ScalarType.Int, 4, "int32"), ShortStorage(ScalarType.Short, 2, "int16"),
    CharStorage(ScalarType.Char, 1, "int8"), ByteStorage(ScalarType.Byte, 1, "uint8"), BoolStorage(ScalarType.Bool, 1, "bool");

    final ScalarType dtype;
    final int elementBytes;
    /** torch's name of the dtype ({@code torch.float32} without the module). */
    final String torchName;

    StorageType(ScalarType dtype, int elementBytes, String torchName) {
        this.dtype = dtype;
        this.elementBytes = elementBytes;
        this.torchName = torchName;
    }

    /** The type called {@code torch.NAME}, or null. */
    static StorageType named(String name) {
        for (StorageType t : values()) if (t.name().equals(name)) return t;
        return null;
    }
}
