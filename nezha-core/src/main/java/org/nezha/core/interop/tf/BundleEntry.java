package org.nezha.core.interop.tf;

import java.util.Arrays;

/**
 * One tensor of a checkpoint, as its {@code BundleEntryProto} describes it: dtype and shape, and
 * where its bytes lie ({@code shard}, {@code offset}, {@code size}) with their masked crc32c.
 * {@code dtype} is null when the number is not one TensorFlow defines ({@code dtypeNumber} keeps
 * it); {@code sliced} marks a partitioned tensor, whose parts this reader does not join.
 */
public record BundleEntry(String name, TfDType dtype, long dtypeNumber, long[] shape, int shard, long offset, long size,
                          int maskedCrc32c, boolean sliced) {
    private static final int DTYPE = 1, SHAPE = 2, SHARD_ID = 3, OFFSET = 4, SIZE = 5, CRC32C = 6, SLICES = 7;
    private static final int SHAPE_DIM = 2, SHAPE_UNKNOWN_RANK = 3, DIM_SIZE = 1;

    /** Decodes the protobuf; malformed bytes throw {@link IllegalArgumentException}. */
    static BundleEntry parse(String name, byte[] proto) {
        ProtoReader in = new ProtoReader(proto);
        long dtype = 0, offset = 0, size = 0;
        int shard = 0, crc = 0;
        long[] shape = new long[0];
        boolean sliced = false;
        while (in.hasNext()) {
            int tag = in.tag();
            switch (tag >>> 3) {
                case DTYPE -> dtype = in.varint();
                case SHAPE -> shape = parseShape(in.message());
                case SHARD_ID -> shard = (int) in.varint();
                case OFFSET -> offset = in.varint();
                case SIZE -> size = in.varint();
                case CRC32C -> crc = in.fixed32();
                case SLICES -> { in.skip(tag); sliced = true; }
                default -> in.skip(tag);
            }
        }
        return new BundleEntry(name, TfDType.of(dtype), dtype, shape, shard, offset, size, crc, sliced);
    }

    private static long[] parseShape(ProtoReader in) {
        long[] dims = new long[0];
        while (in.hasNext()) {
            int tag = in.tag();
            if (tag >>> 3 == SHAPE_DIM) {
                ProtoReader dim = in.message();
                long dimSize = 0;
                while (dim.hasNext()) {
                    int dimTag = dim.tag();
                    if (dimTag >>> 3 == DIM_SIZE) dimSize = dim.varint();
                    else dim.skip(dimTag);
                }
                dims = Arrays.copyOf(dims, dims.length + 1);
                dims[dims.length - 1] = dimSize;
            } else if (tag >>> 3 == SHAPE_UNKNOWN_RANK && in.varint() != 0) {
                throw new IllegalArgumentException("shape of unknown rank");
            } else if (tag >>> 3 != SHAPE_UNKNOWN_RANK) {
                in.skip(tag);
            }
        }
        return dims;
    }

    public long elements() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    /** "DT_FLOAT", or "dtype 99" for a number TensorFlow does not define. */
    public String dtypeName() {
        return dtype != null ? dtype.name() : "dtype " + dtypeNumber;
    }
}
