#!/usr/bin/env python3
"""Writes small TensorFlow checkpoints (tensor bundles) and their expected contents for the TF
reader's tests, following tensor_bundle.proto and the LevelDB table format; Python 3 standard
library only, no TensorFlow. Run: python3 tests/fixtures-gen/tf/gen.py [--out DIR]."""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))
from tfbundle import DTYPES, encode, write_bundle  # noqa: E402
from values import size_of, transpose, values_for  # noqa: E402


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
