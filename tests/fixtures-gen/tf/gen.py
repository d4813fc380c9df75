#!/usr/bin/env python3
"""Writes small TensorFlow checkpoints (tensor bundles) and their expected contents for the TF
reader's tests, following tensor_bundle.proto and the LevelDB table format; Python 3 standard
library only, no TensorFlow. Run: python3 tests/fixtures-gen/tf/gen.py [--out DIR]."""

import argparse
import json
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
    code = DTYPES[dtype][1]
    if code is None:  # bfloat16: the high half of a float32 (values are chosen to be exact)
        return b"".join(struct.pack("<f", v)[2:] for v in values)
    return struct.pack("<%d%s" % (len(values), code), *values)


def values_for(seed, count, dtype="DT_FLOAT"):
    """Distinct small values, exact in every dtype they are written as."""
    raw = [((seed * 7 + i * 3) % 29) - 14 for i in range(count)]
    if dtype in ("DT_FLOAT", "DT_DOUBLE", "DT_HALF", "DT_BFLOAT16"):
        return [v / 8.0 for v in raw]
    if dtype == "DT_BOOL":
        return [v > 0 for v in raw]
    if dtype == "DT_UINT8":
        return [v + 14 for v in raw]
    return raw


def size_of(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def write_bundle(prefix, tensors, num_shards=1, compression=0):
    """tensors: (name, dtype name or number, shape, payload bytes); shard i gets tensors i, i+n, ..."""
    os.makedirs(os.path.dirname(prefix), exist_ok=True)
    shards = [bytearray() for _ in range(num_shards)]
    entries = [(b"", bundle_header(num_shards))]
    for i, (name, dtype, shape, payload) in enumerate(sorted(tensors, key=lambda t: t[0].encode())):
        shard = i % num_shards
        number = DTYPES[dtype][0] if isinstance(dtype, str) else dtype
        entries.append((name.encode(), bundle_entry(number, shape, shard, len(shards[shard]), len(payload),
                                                    masked(crc32c(payload)))))
        shards[shard] += payload
    with open(prefix + ".index", "wb") as f:
        f.write(table(entries, compression=compression))
    for s, data in enumerate(shards):
        with open(prefix + ".data-%05d-of-%05d" % (s, num_shards), "wb") as f:
            f.write(data)


def transpose(values, rows, cols):
    return [values[r * cols + c] for c in range(cols) for r in range(rows)]


def tiny_bert(out):
    """A 2-layer BERT (vocab 12, hidden 4, intermediate 8) with Adam slots and global_step."""
    vocab, hidden, inter, positions, types = 12, 4, 8, 6, 2
    variables = [("bert/embeddings/word_embeddings", [vocab, hidden]),
                 ("bert/embeddings/position_embeddings", [positions, hidden]),
                 ("bert/embeddings/token_type_embeddings", [types, hidden]),
                 ("bert/embeddings/LayerNorm/gamma", [hidden]), ("bert/embeddings/LayerNorm/beta", [hidden])]
    for n in range(2):
        layer = "bert/encoder/layer_%d/" % n
        for dense, fan_in, fan_out in [("attention/self/query", hidden, hidden), ("attention/self/key", hidden, hidden),
                                       ("attention/self/value", hidden, hidden), ("attention/output/dense", hidden, hidden),
                                       ("intermediate/dense", hidden, inter), ("output/dense", inter, hidden)]:
            variables += [(layer + dense + "/kernel", [fan_in, fan_out]), (layer + dense + "/bias", [fan_out])]
        for norm in ("attention/output/LayerNorm", "output/LayerNorm"):
            variables += [(layer + norm + "/gamma", [hidden]), (layer + norm + "/beta", [hidden])]
    variables += [("bert/pooler/dense/kernel", [hidden, hidden]), ("bert/pooler/dense/bias", [hidden]),
                  ("cls/predictions/transform/dense/kernel", [hidden, hidden]),
                  ("cls/predictions/transform/dense/bias", [hidden]),
                  ("cls/predictions/transform/LayerNorm/gamma", [hidden]),
                  ("cls/predictions/transform/LayerNorm/beta", [hidden]),
                  ("cls/predictions/output_bias", [vocab]),
                  ("cls/seq_relationship/output_weights", [2, hidden]), ("cls/seq_relationship/output_bias", [2])]

    tensors, expected = [], {}
    for seed, (name, shape) in enumerate(variables):
        values = values_for(seed, size_of(shape))
        tensors.append((name, "DT_FLOAT", shape, encode("DT_FLOAT", values)))
        for slot, offset in (("adam_m", 1000), ("adam_v", 2000)):
            tensors.append((name + "/" + slot, "DT_FLOAT", shape, encode("DT_FLOAT", values_for(seed + offset, len(values)))))
        hf = hf_name(name)
        if name.endswith("/kernel"):
            expected[hf] = {"shape": [shape[1], shape[0]], "values": transpose(values, shape[0], shape[1])}
        else:
            expected[hf] = {"shape": shape, "values": values}
    tensors.append(("global_step", "DT_INT64", [], encode("DT_INT64", [1234])))
    write_bundle(os.path.join(out, "tiny_bert", "model.ckpt"), tensors)
    kept_bytes = sum(len(t[3]) for t in tensors if "/adam_" not in t[0] and t[0] != "global_step")
    return {"tensors": expected, "dropped": {"optimizer slot": 2 * len(variables), "training step": 1},
            "keptBytes": kept_bytes, "totalBytes": sum(len(t[3]) for t in tensors)}


def hf_name(tf):
    """The HF name, written out independently of the Java table (simple string rules)."""
    special = {"cls/predictions/output_bias": "cls.predictions.bias",
               "cls/seq_relationship/output_weights": "cls.seq_relationship.weight",
               "cls/seq_relationship/output_bias": "cls.seq_relationship.bias"}
    if tf in special:
        return special[tf]
    name = tf.replace("/layer_", "/layer/").replace("/", ".")
    for old, new in ((".gamma", ".weight"), (".beta", ".bias"), (".kernel", ".weight")):
        if name.endswith(old):
            return name[: -len(old)] + new
    return name if name.endswith(".bias") else name + ".weight"


def dtypes(out):
    """One tensor of each readable dtype (a scalar among them) over two data shards."""
    tensors, expected = [], {}
    for seed, dtype in enumerate(sorted(DTYPES)):
        shape = [] if dtype == "DT_INT64" else [2, 3]
        values = values_for(seed, size_of(shape), dtype)
        name = "values/" + dtype.lower()
        tensors.append((name, dtype, shape, encode(dtype, values)))
        expected[name] = {"dtype": dtype, "shape": shape, "values": values}
    write_bundle(os.path.join(out, "dtypes", "model.ckpt"), tensors, num_shards=2)
    return {"tensors": expected}


def broken(out):
    """Bundles that are well-formed but hold what the reader must refuse."""
    write_bundle(os.path.join(out, "unknown_dtype", "model.ckpt"), [("bert/pooler/dense/bias", 99, [2], b"\0" * 8)])
    write_bundle(os.path.join(out, "snappy", "model.ckpt"), [("bert/pooler/dense/bias", "DT_FLOAT", [2], b"\0" * 8)],
                 compression=1)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "..", "..", "nezha-core", "src", "test", "resources", "tf")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=os.path.normpath(default))
    out = parser.parse_args().out
    expected = {"tiny_bert": tiny_bert(out), "dtypes": dtypes(out)}
    broken(out)
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
