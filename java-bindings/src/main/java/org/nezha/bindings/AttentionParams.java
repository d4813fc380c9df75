package org.nezha.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code nezha_attention_params} struct (native/include/nezha_native.h) in native memory. Every
 * field of the C struct is 8 bytes wide, so the offsets are the field positions times 8; the size
 * is checked against the library's own {@code sizeof} when the kernel binding loads.
 */
final class AttentionParams {
    /** Field names in declaration order, with their element counts. */
    private static final Object[][] FIELDS = {
        {"batch", 1}, {"seq_len", 1}, {"heads", 1}, {"head_dim", 1}, {"max_relative_position", 1}, {"dtype", 1},
        {"device", 1}, {"num_threads", 1}, {"softmax_scale", 1}, {"dropout_p", 1}, {"seed", 1}, {"offset", 1},
        {"q", 1}, {"q_stride", 4}, {"k", 1}, {"k_stride", 4}, {"v", 1}, {"v_stride", 4}, {"o", 1}, {"o_stride", 4},
        {"lse", 1}, {"key_mask", 1}, {"key_mask_batch_stride", 1}, {"table", 1},
        {"dout", 1}, {"dout_stride", 4}, {"dq", 1}, {"dq_stride", 4}, {"dk", 1}, {"dk_stride", 4}, {"dv", 1},
        {"dv_stride", 4}, {"workspace", 1}, {"workspace_bytes", 1}, {"stream", 1},
    };
    private static final Map<String, Long> OFFSETS = new LinkedHashMap<>();
    static final long SIZE;

    static {
        long offset = 0;
        for (Object[] field : FIELDS) {
            OFFSETS.put((String) field[0], offset);
            offset += 8L * (Integer) field[1];
        }
        SIZE = offset;
    }

    private final MemorySegment struct;

    AttentionParams(Arena arena) {
        struct = arena.allocate(SIZE, 8); // zero-filled: NULL pointers, no dropout
    }

    MemorySegment segment() {
        return struct;
    }

    AttentionParams set(String field, long value) {
        struct.set(ValueLayout.JAVA_LONG, offset(field), value);
        return this;
    }

    AttentionParams set(String field, double value) {
        struct.set(ValueLayout.JAVA_DOUBLE, offset(field), value);
        return this;
    }

    /** A tensor pointer and, when the struct has a {@code <field>_stride} array, its four strides. */
    AttentionParams tensor(String field, NativeTensor t) {
        set(field, t.address());
        Long strides = OFFSETS.get(field + "_stride");
        if (strides != null) {
            for (int i = 0; i < 4; i++) struct.set(ValueLayout.JAVA_LONG, strides + 8L * i, t.strides()[i]);
        }
        return this;
    }

    long get(String field) {
        return struct.get(ValueLayout.JAVA_LONG, offset(field));
    }

    private static long offset(String field) {
        Long offset = OFFSETS.get(field);
        if (offset == null) throw new IllegalArgumentException("nezha_attention_params has no field " + field);
        return offset;
    }
}
