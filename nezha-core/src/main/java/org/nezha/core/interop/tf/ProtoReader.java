package org.nezha.core.interop.tf;

import java.util.Arrays;

/**
 * A cursor over protobuf wire-format bytes: enough of the format (varints, fixed32/64,
 * length-delimited fields) to decode the few TensorFlow messages a checkpoint index holds, without
 * a protobuf dependency. Malformed input throws {@link IllegalArgumentException}; callers add the file.
 */
final class ProtoReader {
    static final int VARINT = 0, FIXED64 = 1, LENGTH_DELIMITED = 2, FIXED32 = 5;

    private final byte[] bytes;
    private int pos;
    private final int end;

    ProtoReader(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    private ProtoReader(byte[] bytes, int start, int end) {
        this.bytes = bytes;
        this.pos = start;
        this.end = end;
    }

    boolean hasNext() {
        return pos < end;
    }

    /** The next field's tag: field number {@code << 3 | wire type}. */
    int tag() {
        long tag = varint();
        if (tag >>> 32 != 0 || (tag >>> 3) == 0) throw new IllegalArgumentException("bad protobuf tag " + tag);
        return (int) tag;
    }

    long varint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) throw new IllegalArgumentException("protobuf varint runs past the end");
            byte b = bytes[pos++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) return value;
        }
        throw new IllegalArgumentException("protobuf varint longer than 10 bytes");
    }

    int fixed32() {
        need(4);
        int v = (bytes[pos] & 0xff) | (bytes[pos + 1] & 0xff) << 8 | (bytes[pos + 2] & 0xff) << 16 | (bytes[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    /** A length-delimited field's contents, as a reader of their own. */
    ProtoReader message() {
        int length = checkedLength(varint());
        ProtoReader inner = new ProtoReader(bytes, pos, pos + length);
        pos += length;
        return inner;
    }

    /** The next {@code length} bytes as they are (for formats that frame fields themselves). */
    byte[] rawBytes(long length) {
        int n = checkedLength(length);
        byte[] out = Arrays.copyOfRange(bytes, pos, pos + n);
        pos += n;
        return out;
    }

    private int checkedLength(long length) {
        if (length < 0 || length > end - pos) throw new IllegalArgumentException("field runs past the end");
        return (int) length;
    }

    void skip(int tag) {
        switch (tag & 7) {
            case VARINT -> varint();
            case FIXED64 -> { need(8); pos += 8; }
            case LENGTH_DELIMITED -> message();
            case FIXED32 -> { need(4); pos += 4; }
            default -> throw new IllegalArgumentException("unsupported protobuf wire type " + (tag & 7));
        }
    }

    private void need(int n) {
        if (end - pos < n) throw new IllegalArgumentException("protobuf field runs past the end");
    }
}
