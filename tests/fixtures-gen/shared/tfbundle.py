"""TensorFlow tensor bundles (a checkpoint's `.index` + `.data-NNNNN-of-NNNNN`), written without
TensorFlow: tensor_bundle.proto's BundleHeaderProto / BundleEntryProto in protobuf wire format, inside
a LevelDB table as TF writes `.index` files, with TF/LevelDB's masked crc32c. Standard library only."""

import os
import struct

# --- crc32c (Castagnoli), which the standard library lacks, and TF/LevelDB's masking -----------
_POLY = 0x82F63B78
_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ _POLY if _c & 1 else _c >> 1
    _TABLE.append(_c)


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


# --- protobuf wire format ---------------------------------------------------------------------
def varint(n):
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_varint(number, value):
    return varint(number << 3) + varint(value) if value else b""


def field_bytes(number, data):
    return varint(number << 3 | 2) + varint(len(data)) + data


def field_fixed32(number, value):
    return varint(number << 3 | 5) + struct.pack("<I", value)


def bundle_header(num_shards):
    version = field_varint(1, 1)  # VersionDef.producer
    return field_varint(1, num_shards) + field_bytes(3, version)


def bundle_entry(dtype, shape, shard, offset, size, crc):
    dims = b"".join(field_bytes(2, field_varint(1, d)) for d in shape)
    return (field_varint(1, dtype) + field_bytes(2, dims) + field_varint(3, shard) + field_varint(4, offset)
            + field_varint(5, size) + field_fixed32(6, crc))


# --- LevelDB table ----------------------------------------------------------------------------
def block(entries, restart_interval):
    out, restarts, last = bytearray(), [], b""
    for i, (key, value) in enumerate(entries):
        shared = 0
        if i % restart_interval == 0:
            restarts.append(len(out))
        else:
            while shared < min(len(key), len(last)) and key[shared] == last[shared]:
                shared += 1
        out += varint(shared) + varint(len(key) - shared) + varint(len(value)) + key[shared:] + value
        last = key
    if not restarts:
        restarts = [0]
    return bytes(out) + b"".join(struct.pack("<I", r) for r in restarts) + struct.pack("<I", len(restarts))


def table(entries, block_bytes=128, compression=0):
    """A LevelDB table of sorted (key, value) pairs; small blocks so a tiny table has several."""
    out = bytearray()

    def write_block(contents):
        handle = varint(len(out)) + varint(len(contents))
        trailer = bytes([compression])
        out.extend(contents + trailer + struct.pack("<I", masked(crc32c(contents + trailer))))
        return handle

    index, pending = [], []
    for key, value in entries:
        pending.append((key, value))
        if sum(len(k) + len(v) for k, v in pending) >= block_bytes:
            index.append((key, write_block(block(pending, 16))))
            pending = []
    if pending:
        index.append((pending[-1][0], write_block(block(pending, 16))))
    metaindex = write_block(block([], 1))
    index_handle = write_block(block(index, 1))
    footer = metaindex + index_handle
    out += footer + b"\0" * (40 - len(footer)) + struct.pack("<Q", 0xDB4775248B80FB57)
    return bytes(out)


# --- tensors ----------------------------------------------------------------------------------
DTYPES = {  # name: (TF number, struct code or None for bfloat16)
    "DT_FLOAT": (1, "f"), "DT_DOUBLE": (2, "d"), "DT_INT32": (3, "i"), "DT_UINT8": (4, "B"), "DT_INT16": (5, "h"),
    "DT_INT8": (6, "b"), "DT_INT64": (9, "q"), "DT_BOOL": (10, "?"), "DT_BFLOAT16": (14, None), "DT_HALF": (19, "e"),
}


def encode(dtype, values):
    """Little-endian bytes of `values` as the TF dtype named `dtype` (e.g. "DT_FLOAT")."""
    code = DTYPES[dtype][1]
    if code is None:  # bfloat16: the high half of a float32 (values are chosen to be exact)
        return b"".join(struct.pack("<f", v)[2:] for v in values)
    return struct.pack("<%d%s" % (len(values), code), *values)


def write_bundle(prefix, tensors, num_shards=1, compression=0, block_bytes=128):
    """tensors: (name, dtype name or number, shape, payload bytes); shard i gets tensors i, i+n, ... in name
    order. Writes PREFIX.index (data blocks cut after `block_bytes` of keys and values) and
    PREFIX.data-NNNNN-of-NNNNN; returns the list of paths written."""
    os.makedirs(os.path.dirname(prefix), exist_ok=True)
    shards = [bytearray() for _ in range(num_shards)]
    entries = [(b"", bundle_header(num_shards))]
    for i, (name, dtype, shape, payload) in enumerate(sorted(tensors, key=lambda t: t[0].encode())):
        shard = i % num_shards
        number = DTYPES[dtype][0] if isinstance(dtype, str) else dtype
        entries.append((name.encode(), bundle_entry(number, shape, shard, len(shards[shard]), len(payload),
                                                    masked(crc32c(payload)))))
        shards[shard] += payload
    paths = [prefix + ".index"]
    with open(paths[0], "wb") as f:
        f.write(table(entries, block_bytes=block_bytes, compression=compression))
    for s, data in enumerate(shards):
        paths.append(prefix + ".data-%05d-of-%05d" % (s, num_shards))
        with open(paths[-1], "wb") as f:
            f.write(data)
    return paths
