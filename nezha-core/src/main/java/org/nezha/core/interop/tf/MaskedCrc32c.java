package org.nezha.core.interop.tf;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The masked crc32c that LevelDB blocks and TensorFlow tensor data carry: masked (rotated and
 * offset) because a crc over bytes that themselves embed crcs is otherwise weak.
 */
final class MaskedCrc32c {
    private static final int MASK_DELTA = 0xa282ead8;

    private MaskedCrc32c() {}

    static int mask(long crc32c) {
        int crc = (int) crc32c;
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    static int of(ByteBuffer bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return mask(crc.getValue());
    }
}
