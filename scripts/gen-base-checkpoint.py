#!/usr/bin/env python3
"""Writes a NEZHA-base-sized checkpoint for the conversion benchmark (scripts/bench-convert.sh), as a
TensorFlow bundle with Adam slots (what Huawei released: three times the model) and as a PyTorch zip
(pytorch_model.bin), each with its config and vocab.txt. Python's standard library only; the values
are one seeded block of N(0, 0.02) floats repeated, so generating takes seconds, not minutes.

    scripts/gen-base-checkpoint.py --config data/configs/nezha-base.json --vocab data/vocab/vocab.txt --out DIR
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures-gen", "shared"))
import tfbundle  # noqa: E402
import torchsave  # noqa: E402

BLOCK = struct.pack("<4096f", *[random.Random(7).gauss(0, 0.02) for _ in range(4096)])


def payload(shape):
    n = 4
    for d in shape:
        n *= d
    return (BLOCK * (n // len(BLOCK) + 1))[:n]


def variables(c):
    """(TF name, shape) of a BERT/NEZHA with MLM and next-sentence heads, as Google's run_pretraining saves it."""
    h, i, v = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    out = [("bert/embeddings/word_embeddings", [v, h]), ("bert/embeddings/token_type_embeddings", [c["type_vocab_size"], h]),
           ("bert/embeddings/LayerNorm/gamma", [h]), ("bert/embeddings/LayerNorm/beta", [h])]
    for layer in range(c["num_hidden_layers"]):
        p = "bert/encoder/layer_%d/" % layer
        for name in ("query", "key", "value"):
            out += [(p + "attention/self/%s/kernel" % name, [h, h]), (p + "attention/self/%s/bias" % name, [h])]
        out += [(p + "attention/output/dense/kernel", [h, h]), (p + "attention/output/dense/bias", [h]),
                (p + "attention/output/LayerNorm/gamma", [h]), (p + "attention/output/LayerNorm/beta", [h]),
                (p + "intermediate/dense/kernel", [h, i]), (p + "intermediate/dense/bias", [i]),
                (p + "output/dense/kernel", [i, h]), (p + "output/dense/bias", [h]),
                (p + "output/LayerNorm/gamma", [h]), (p + "output/LayerNorm/beta", [h])]
    out += [("bert/pooler/dense/kernel", [h, h]), ("bert/pooler/dense/bias", [h]),
            ("cls/predictions/transform/dense/kernel", [h, h]), ("cls/predictions/transform/dense/bias", [h]),
            ("cls/predictions/transform/LayerNorm/gamma", [h]), ("cls/predictions/transform/LayerNorm/beta", [h]),
            ("cls/predictions/output_bias", [v]), ("cls/seq_relationship/output_weights", [2, h]),
            ("cls/seq_relationship/output_bias", [2])]
    return out


def hf_name(tf_name):
    """The state-dict name Huawei's PyTorch port uses (bert. prefix, gamma/beta kept)."""
    n = tf_name.replace("/", ".").replace("layer_", "layer.")
    n = n.replace("cls.predictions.output_bias", "cls.predictions.bias")
    n = n.replace("cls.seq_relationship.output_weights", "cls.seq_relationship.weight")
    n = n.replace("cls.seq_relationship.output_bias", "cls.seq_relationship.bias")
    n = n.replace("_embeddings", "_embeddings.weight") if n.startswith("bert.embeddings.") and "LayerNorm" not in n else n
    return n.replace(".kernel", ".weight")


def write_tf(c, out):
    crcs = {}
    plain = tfbundle.crc32c

    def cached(data):  # equal shapes have equal bytes here; only distinct contents cost a pure-Python crc
        key = hashlib.sha1(data).digest()
        if key not in crcs:
            crcs[key] = plain(data)
        return crcs[key]
    tfbundle.crc32c = cached
    tensors = [("global_step", "DT_INT64", [], struct.pack("<q", 1000))]
    for name, shape in variables(c):
        data = payload(shape)
        tensors += [(name, "DT_FLOAT", shape, data), (name + "/adam_m", "DT_FLOAT", shape, data),
                    (name + "/adam_v", "DT_FLOAT", shape, data)]
    tfbundle.write_bundle(os.path.join(out, "model.ckpt-1000"), tensors, block_bytes=4096)
    with open(os.path.join(out, "checkpoint"), "w") as f:
        f.write('model_checkpoint_path: "model.ckpt-1000"\n')


class RawStorage(torchsave.Storage):
    """A FloatStorage whose bytes are given, not built value by value."""

    def __init__(self, data):
        self.type, self.values, self.key, self.raw = "FloatStorage", range(len(data) // 4), None, data

    def data(self):
        return self.raw


def write_torch(c, out):
    items = []
    for name, shape in variables(c):
        # the PyTorch layout: kernels [out, in]; the bytes are a pattern, so only the shape changes
        shape = list(reversed(shape)) if name.endswith("/kernel") else shape
        items.append((hf_name(name), torchsave.Tensor(RawStorage(payload(shape)), shape)))
    torchsave.save_zip(os.path.join(out, "pytorch_model.bin"), torchsave.state_dict(items))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", required=True, help="an HF config.json (NEZHA or BERT fields)")
    parser.add_argument("--vocab", required=True, help="the vocab.txt to ship (as many lines as vocab_size)")
    parser.add_argument("--out", required=True, help="writes OUT/tf/ and OUT/torch/")
    args = parser.parse_args()
    with open(args.config) as f:
        config = json.load(f)
    relative = config.get("position_embedding_type", "relative_functional") == "relative_functional"
    if not relative:
        sys.exit("gen-base-checkpoint: only NEZHA (relative-position) configs are generated")
    tf_config = {k: v for k, v in config.items() if k not in ("model_type", "architectures", "position_embedding_type")}
    tf_config["use_relative_position"] = True
    for kind, writer, config_name, config_body in (("tf", write_tf, "bert_config.json", tf_config),
                                                   ("torch", write_torch, "config.json", config)):
        target = os.path.join(args.out, kind)
        os.makedirs(target, exist_ok=True)
        writer(config, target)
        with open(os.path.join(target, config_name), "w") as f:
            json.dump(config_body, f, indent=2)
        shutil.copyfile(args.vocab, os.path.join(target, "vocab.txt"))


if __name__ == "__main__":
    main()
