package org.nezha.core.interop.tf;

import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * TensorFlow's {@code DataType} numbers ({@code core/framework/types.proto}) and the libtorch type
 * each is read as; the types a checkpoint may hold but this reader cannot (strings, complex,
 * quantised, resources) have no libtorch type, so errors can still name them.
 */
public enum TfDType {
    DT_FLOAT(1, ScalarType.Float, 4), DT_DOUBLE(2, ScalarType.Double, 8), DT_INT32(3, ScalarType.Int, 4),
    DT_UINT8(4, ScalarType.Byte, 1), DT_INT16(5, ScalarType.Short, 2), DT_INT8(6, ScalarType.Char, 1),
    DT_STRING(7, null, 0), DT_COMPLEX64(8, null, 0), DT_INT64(9, ScalarType.Long, 8), DT_BOOL(10, ScalarType.Bool, 1),
    DT_QINT8(11, null, 0), DT_QUINT8(12, null, 0), DT_QINT32(13, null, 0), DT_BFLOAT16(14, ScalarType.BFloat16, 2),
    DT_QINT16(15, null, 0), DT_QUINT16(16, null, 0), DT_UINT16(17, null, 0), DT_COMPLEX128(18, null, 0),
    DT_HALF(19, ScalarType.Half, 2), DT_RESOURCE(20, null, 0), DT_VARIANT(21, null, 0), DT_UINT32(22, null, 0),
    DT_UINT64(23, null, 0);

    final int number;
    /** null: a type this reader does not convert. */
    final ScalarType scalarType;
    final int bytes;

    TfDType(int number, ScalarType scalarType, int bytes) {
        this.number = number;
        this.scalarType = scalarType;
        this.bytes = bytes;
    }

    /** The type with this number, or null when TensorFlow's list (as this reader knows it) has none. */
    static TfDType of(long number) {
        for (TfDType t : values()) if (t.number == number) return t;
        return null;
    }

    public boolean readable() {
        return scalarType != null;
    }
}
