#!/usr/bin/env python3
"""Re-reads what gen.py wrote, with readers of its own (nothing imported from ../shared): the TF
bundle's LevelDB table and protobuf entries (every block's and tensor's masked crc32c, offsets and
sizes), reference.json, and the torch zip/legacy pickles (through an unpickler that builds no
torch objects). Checks that every format holds the same weights as the reference, under the names and
in the layout expected.json gives. Standard library only.

Run: python3 tests/fixtures-gen/convert/check.py [DIR]   (default nezha-core/src/test/resources/convert)
"""

import json
import os
import pickle
import struct
import sys
import zipfile


# --- crc32c, bit by bit (gen.py's writer uses a table) -----------------------------------------
def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return crc ^ 0xFFFFFFFF


def unmask(m):
    rot = (m - 0xA282EAD8) & 0xFFFFFFFF
    return ((rot >> 17) | (rot << 15)) & 0xFFFFFFFF


def read_varint(buf, pos):
    shift = result = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, pos


def proto_fields(buf):
    """{field number: [values]} of a protobuf message (varints as ints, length-delimited as bytes)."""
    fields, pos = {}, 0
    while pos < len(buf):
        key, pos = read_varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = read_varint(buf, pos)
        elif wire == 2:
            n, pos = read_varint(buf, pos)
            value, pos = buf[pos:pos + n], pos + n
        elif wire == 5:
            value, pos = struct.unpack_from("<I", buf, pos)[0], pos + 4
        else:
            raise ValueError("wire type %d" % wire)
        fields.setdefault(number, []).append(value)
    return fields


# --- LevelDB table ---------------------------------------------------------------------------------
def read_block(data, handle):
    offset, pos = read_varint(handle, 0)
    size, pos = read_varint(handle, pos)
    contents, kind = data[offset:offset + size], data[offset + size]
    stored = struct.unpack_from("<I", data, offset + size + 1)[0]
    assert kind == 0, "block compressed (type %d)" % kind
    assert unmask(stored) == crc32c(contents + bytes([kind])), "block crc at %d" % offset
    restarts = struct.unpack_from("<I", contents, len(contents) - 4)[0]
    end = len(contents) - 4 - 4 * restarts
    entries, pos, last = [], 0, b""
    while pos < end:
        shared, pos = read_varint(contents, pos)
        unshared, pos = read_varint(contents, pos)
        vlen, pos = read_varint(contents, pos)
        key = last[:shared] + contents[pos:pos + unshared]
        pos += unshared
        entries.append((key, contents[pos:pos + vlen]))
        pos += vlen
        last = key
    return entries, offset + size + 5


def read_table(path):
    """The (key, value) entries of a LevelDB table; checks every block's crc and that the blocks, the
    metaindex, the index and the footer tile the file."""
    data = open(path, "rb").read()
    assert struct.unpack_from("<Q", data, len(data) - 8)[0] == 0xDB4775248B80FB57, "magic"
    footer = data[len(data) - 48:len(data) - 8]
    handles, pos = [], 0
    for _ in range(2):  # metaindex, index: (offset, size) varints each
        start = pos
        pos = read_varint(footer, read_varint(footer, pos)[1])[1]
        handles.append(footer[start:pos])
    assert footer[pos:] == b"\0" * (40 - pos)
    metaindex, meta_end = read_block(data, handles[0])
    index, index_end = read_block(data, handles[1])
    assert metaindex == [] and index_end == len(data) - 48
    entries, at = [], 0
    for last_key, handle in index:
        assert read_varint(handle, 0)[0] == at, "blocks do not follow each other"
        block, at = read_block(data, handle)
        assert block[-1][0] == last_key
        entries += block
    assert read_varint(handles[0], 0)[0] == at and read_varint(handles[1], 0)[0] == meta_end
    keys = [k for k, _ in entries]
    assert keys == sorted(keys) and len(set(keys)) == len(keys), "keys not strictly sorted"
    return entries, len(index)


def read_bundle(prefix):
    entries, blocks = read_table(prefix + ".index")
    assert entries[0][0] == b""
    header = proto_fields(entries[0][1])
    shards = header.get(1, [0])[0]
    assert shards == 1
    data = open(prefix + ".data-00000-of-00001", "rb").read()
    tensors, spans = {}, []
    for key, value in entries[1:]:
        f = proto_fields(value)
        dtype = f.get(1, [0])[0]
        shape = [proto_fields(d).get(1, [0])[0] for d in proto_fields(f[2][0]).get(2, [])] if 2 in f else []
        offset, size = f.get(4, [0])[0], f.get(5, [0])[0]
        payload = data[offset:offset + size]
        assert len(payload) == size and unmask(f[6][0]) == crc32c(payload), key
        n = 1
        for d in shape:
            n *= d
        code = {1: "f", 9: "q"}[dtype]
        assert size == n * struct.calcsize(code), key
        tensors[key.decode()] = (dtype, shape, list(struct.unpack("<%d%s" % (n, code), payload)))
        spans.append((offset, size))
    spans.sort()
    at = 0
    for offset, size in spans:
        assert offset == at, "gap or overlap in the data shard at %d" % offset
        at += size
    assert at == len(data), "data shard has %d bytes, entries cover %d" % (len(data), at)
    return tensors, blocks


# --- reference.json -------------------------------------------------------------------------------
def read_reference(path):
    """reference.json: name -> ("F32", shape, values), every value a float32."""
    ref = json.load(open(path))
    assert ref["dtype"] == "float32"
    out = {}
    for t in ref["tensors"]:
        count = 1
        for d in t["shape"]:
            count *= d
        assert len(t["values"]) == count, t["name"]
        assert all(struct.unpack("<f", struct.pack("<f", v))[0] == v for v in t["values"]), t["name"] + " holds a non-float32 value"
        out[t["name"]] = ("F32", t["shape"], t["values"])
    return out


# --- torch pickles ---------------------------------------------------------------------------------
STORAGE = {"FloatStorage": ("f", 4), "HalfStorage": ("e", 2), "LongStorage": ("q", 8)}


class Rebuilt:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)


class TorchUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            import collections
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return lambda storage, offset, size, stride, *rest: Rebuilt(storage, offset, size, stride)
        if module == "torch" and name in STORAGE:
            return name
        raise pickle.UnpicklingError("unexpected global %s.%s" % (module, name))

    def persistent_load(self, pid):
        assert pid[0] == "storage"
        return (pid[1], pid[2], pid[4])  # (storage type, key, element count)


def tensors_from(state, storage_bytes):
    out = {}
    for name, t in state.items():
        kind, key, numel = t.storage
        code, size = STORAGE[kind]
        raw = storage_bytes[key]
        assert len(raw) == numel * size
        vals = struct.unpack("<%d%s" % (numel, code), raw)
        expect, step = [], 1
        for s in reversed(t.size):
            expect.insert(0, step)
            step *= s
        assert t.stride == tuple(expect), name + " not contiguous"
        out[name] = (kind, list(t.size), list(vals[t.offset:t.offset + step]), key)
    return out


def read_torch_zip(path):
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        raw = open(path, "rb").read()
        for info in infos:  # torch aligns every record's data to 64 bytes
            name_len, extra_len = struct.unpack_from("<HH", raw, info.header_offset + 26)
            assert (info.header_offset + 30 + name_len + extra_len) % 64 == 0, info.filename
            assert info.compress_type == zipfile.ZIP_STORED
        root = infos[0].filename.split("/")[0]
        assert zf.read(root + "/byteorder") == b"little"
        state = TorchUnpickler(zf.open(root + "/data.pkl")).load()
        storages = {i.filename.split("/")[-1]: zf.read(i) for i in infos if i.filename.startswith(root + "/data/")}
    return tensors_from(state, storages)


def read_torch_legacy(path):
    with open(path, "rb") as f:
        assert pickle.load(f) == 0x1950a86a20f9469cfc6c
        assert pickle.load(f) == 1001
        assert pickle.load(f)["little_endian"] is True
        up = TorchUnpickler(f)
        state = up.load()
        keys = pickle.load(f)
        storages = {}
        kinds = {t.storage[1]: t.storage[0] for t in state.values()}
        for key in keys:
            count = struct.unpack("<q", f.read(8))[0]
            storages[key] = f.read(count * STORAGE[kinds[key]][1])
        assert f.read() == b"", "trailing bytes"
    return tensors_from(state, storages)


def fp16(v):
    return struct.unpack("<e", struct.pack("<e", v))[0]


# --- the checks ------------------------------------------------------------------------------------
def check_model(d):
    exp = json.load(open(os.path.join(d, "expected.json")))
    ref = read_reference(os.path.join(d, "reference.json"))
    names = [t["name"] for t in exp["tensors"]]
    assert sorted(ref) == sorted(names) and list(ref) == sorted(ref), "reference names"
    assert len(names) == exp["modelTensors"]
    assert sum(len(v[2]) for v in ref.values()) == exp["modelParameters"]
    assert not any(n.endswith("decoder.weight") or n.endswith("decoder.bias") for n in ref)
    prefix = exp["hfPrefix"]
    for n in names:
        assert n.startswith(prefix) or n.startswith("cls.") or n.startswith("predictions.") or n.startswith("sop_classifier."), n
    assert all(v[0] == "F32" for v in ref.values())

    # TF: model tensors equal the reference (kernels transposed), every one with two Adam slots, global_step
    tf, blocks = read_bundle(os.path.join(d, exp["tf"]["checkpoint"]))
    assert len(tf) == exp["tf"]["tensors"] and blocks > 1
    assert tf.pop("global_step") == (9, [], [exp["tf"]["globalStep"]])
    for t in exp["tensors"]:
        dtype, shape, vals = tf.pop(t["tf"])
        assert dtype == 1 and shape == t["tfShape"]
        for slot in ("adam_m", "adam_v"):
            assert tf.pop(t["tf"] + "/" + slot)[1] == shape
        if t["transposed"]:
            rows, cols = shape
            vals = [vals[r * cols + c] for c in range(cols) for r in range(rows)]
            assert t["shape"] == [cols, rows]
        else:
            assert t["shape"] == shape
        assert ref[t["name"]][1] == t["shape"] and ref[t["name"]][2] == vals, t["name"]
    assert not tf, "unexpected TF tensors: %s" % sorted(tf)
    assert 2 * exp["modelTensors"] == exp["tf"]["dropped"]["optimizer slot"]

    # torch: the kept tensors equal the reference under their torch names; the dropped ones are as listed
    for rel, info in exp["torch"].items():
        path = os.path.join(d, rel)
        torch = read_torch_zip(path) if info["format"] == "zip" else read_torch_legacy(path)
        assert len(torch) == info["tensors"] and len({v[3] for v in torch.values()}) == info["storages"], rel
        for t in exp["tensors"]:
            kind, shape, vals, _ = torch.pop(t["torch"])
            want = ref[t["name"]][2]
            if info["dtype"] == "F16":
                assert kind == "HalfStorage"
                want = [fp16(v) for v in want]
            else:
                assert kind == "FloatStorage"
            assert shape == t["shape"] and vals == want, (rel, t["name"])
        assert sorted(torch) == sorted(info["dropped"]), (rel, sorted(torch))
        for name, (kind, shape, vals, key) in torch.items():
            if name.endswith("decoder.weight") or name.endswith("decoder.bias"):  # tied: another tensor's storage
                owner = info["dropped"][name].split()[-1]
                assert any(t["torch"] == owner for t in exp["tensors"]), name
            elif name.endswith("position_ids"):
                assert kind == "LongStorage" and vals == list(range(shape[1])), name
            else:  # [L, L, depth]: row i, column j holds the sinusoids of the clipped distance j - i
                length, _, depth = shape
                assert name.endswith("relative_positions_encoding.positions_encoding") and shape[0] == shape[1]
                clip = exp["hfConfig"]["max_relative_position"]
                at = lambda i, j: vals[(i * length + j) * depth:(i * length + j + 1) * depth]  # noqa: E731
                for i in range(length):
                    for j in range(length):
                        assert at(i, j) == at(0, min(clip, j - i)) if j >= i else at(i, j) == at(min(clip, i - j), 0)
                assert len({tuple(at(0, j)) for j in range(clip + 1)} | {tuple(at(i, 0)) for i in range(clip + 1)}) \
                    == 2 * clip + 1, name
        config = json.load(open(os.path.join(os.path.dirname(path), "config.json")))
        assert config["model_type"] == exp["hfConfig"]["model_type"]
        check_vocab(os.path.join(os.path.dirname(path), "vocab.txt"), 40)

    for rel, size in exp["files"].items():
        assert os.path.getsize(os.path.join(d, rel)) == size, rel
    listed = {os.path.relpath(os.path.join(r, n), d).replace(os.sep, "/") for r, _, ns in os.walk(d) for n in ns}
    assert listed - {"expected.json"} == set(exp["files"]), listed ^ set(exp["files"])
    check_vocab(os.path.join(d, "tf", "vocab.txt"), 40)
    config = json.load(open(os.path.join(d, exp["tf"]["config"])))
    assert "model_type" not in config and config["vocab_size"] == 40
    with open(os.path.join(d, "tf", "checkpoint")) as f:
        assert f.readline() == 'model_checkpoint_path: "%s"\n' % os.path.basename(exp["tf"]["checkpoint"])
    return exp


def check_vocab(path, lines):
    raw = open(path, "rb").read()
    tokens = raw.decode("utf-8").split("\n")
    assert raw.endswith(b"\n") and len(tokens) - 1 == lines, path
    assert tokens[:5] == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def main(out):
    total = 0
    for model in ("nezha_tiny", "bert_tiny", "albert_tiny"):
        exp = check_model(os.path.join(out, model))
        size = sum(exp["files"].values()) + os.path.getsize(os.path.join(out, model, "expected.json"))
        total += size
        print("%-12s ok: %d model tensors, %d TF tensors, torch files %s, %d bytes"
              % (model, exp["modelTensors"], exp["tf"]["tensors"], ", ".join(exp["torch"]), size))
    wrong = os.path.join(out, "bert_tiny_wrong_vocab")
    check_vocab(os.path.join(wrong, "vocab.txt"), 39)
    assert json.load(open(os.path.join(wrong, "bert_config_wrong_hidden.json")))["hidden_size"] == 16
    print("all checks passed")


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    main(sys.argv[1] if len(sys.argv) > 1 else
         os.path.normpath(os.path.join(here, "..", "..", "..", "nezha-core", "src", "test", "resources", "convert")))
