#!/usr/bin/env python3
"""Writes tiny PyTorch checkpoints in torch.save's exact layouts, without torch.

Follows torch/serialization.py (_save for the zip format, _legacy_save for the pre-1.6 one) and
torch/_utils.py: the pickles reference the same globals torch writes (collections.OrderedDict,
torch._utils._rebuild_tensor_v2 / _rebuild_parameter, torch.FloatStorage, ...) through stand-in
modules registered as "torch" and "torch._utils", and storages go out as persistent ids.
Also writes expected.json: every tensor's dtype, shape and values in logical (row-major) order.

Usage: gen.py OUTPUT_DIR   (the tests read nezha-core/src/test/resources/torch/)
"""
import collections
import json
import os
import struct
import sys
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))
from torchsave import (DTYPE_NAMES, Storage, StorageView, Tensor, Parameter, save_legacy, save_zip,  # noqa: E402
                       state_dict, tensor_of, write_record)


# --- the fixtures ----------------------------------------------------------------------------------
def model_tensors():
    word = Storage("FloatStorage", [0.5 * i - 3 for i in range(24)])
    tied = Tensor(word, (6, 4))
    packed = Storage("FloatStorage", [0.25, -1.0, 2.0, 3.5, -0.125, 8.0, 9.0, 10.0])
    return [
        ("bert.embeddings.word_embeddings.weight", Parameter(tied)),
        ("cls.predictions.decoder.weight", Tensor(word, (6, 4))),  # shares the storage, as tied weights do
        ("bert.encoder.layer.0.attention.self.query.weight", Tensor(packed, (2, 3), stride=(1, 2))),  # transposed
        ("bert.encoder.layer.0.attention.self.query.bias", Tensor(packed, (2,), offset=6)),  # storage offset
        ("bert.embeddings.LayerNorm.gamma", Tensor(Storage("HalfStorage", [1.0, -0.5, 0.099975586, 65504.0]), (4,))),
        ("bert.embeddings.LayerNorm.beta", Tensor(Storage("BFloat16Storage", [1.5, -2.0, 0.15625, 0.0]), (2, 2))),
        ("bert.embeddings.position_ids", Tensor(Storage("LongStorage", [0, 1, 2, 2 ** 40 + 1, -7]), (1, 5))),
        ("bert.pooler.dense.weight", Tensor(Storage("DoubleStorage", [1 / 3, -2.5]), (2,))),
        ("int32", Tensor(Storage("IntStorage", [-5, 7, 2 ** 31 - 1]), (3,))),
        ("int8", Tensor(Storage("CharStorage", [-128, 127]), (2,))),
        ("uint8", Tensor(Storage("ByteStorage", [0, 255, 9]), (3,))),
        ("bool", Tensor(Storage("BoolStorage", [True, False, True]), (3,))),
        ("scalar", Tensor(Storage("FloatStorage", [42.0]), ())),
        ("empty", Tensor(Storage("FloatStorage", []), (0, 3))),
    ]


def expected(items):
    out = collections.OrderedDict()
    for name, value in items:
        t = tensor_of(value)
        vals = t.values()
        if t.storage.type == "HalfStorage":  # what the float16 bits decode to
            vals = [struct.unpack("<e", struct.pack("<e", v))[0] for v in vals]
        out[name] = {"dtype": DTYPE_NAMES[t.storage.type], "shape": list(t.size),
                     "values": [int(v) if isinstance(v, bool) else v for v in vals]}
    return out


MALICIOUS = b"\x80\x02cos\nsystem\nX\x15\x00\x00\x00echo pwned > /dev/null\x85R."  # os.system('echo ...')


def main(out):
    os.makedirs(out, exist_ok=True)
    exp = {}
    items = model_tensors()
    save_zip(os.path.join(out, "model_zip.bin"), state_dict(items))
    exp["model_zip.bin"] = expected(items)
    save_zip(os.path.join(out, "model_zip_p4.bin"), state_dict(items), protocol=4)
    exp["model_zip_p4.bin"] = expected(items)
    items = model_tensors() + [("legacy_view", Tensor(StorageView(Storage("FloatStorage", [9.0, 8.0, 7.0, 6.0, 5.0]), 1, 3), (3,)))]
    save_legacy(os.path.join(out, "model_legacy.bin"), state_dict(items))
    exp["model_legacy.bin"] = expected(items)

    items = model_tensors()
    first, second = items[:7], items[7:]
    os.makedirs(os.path.join(out, "sharded"), exist_ok=True)
    weight_map = {}
    for n, part in ((1, first), (2, second)):
        shard = "pytorch_model-%05d-of-00002.bin" % n
        save_zip(os.path.join(out, "sharded", shard), state_dict(part))
        weight_map.update({name: shard for name, _ in part})
    with open(os.path.join(out, "sharded", "pytorch_model.bin.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f, indent=2)
    exp["sharded/pytorch_model.bin.index.json"] = expected(items)

    with zipfile.ZipFile(os.path.join(out, "malicious.bin"), "w") as zf:
        write_record(zf, "malicious/data.pkl", MALICIOUS)
    save_zip(os.path.join(out, "unknown_storage.bin"),
             state_dict([("w", Tensor(Storage("ComplexFloatStorage", [0]), (1,)))]))
    save_zip(os.path.join(out, "oversized_view.bin"),
             state_dict([("w", Tensor(Storage("FloatStorage", [1.0, 2.0, 3.0]), (2, 2)))]))
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(exp, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "nezha-core/src/test/resources/torch")
