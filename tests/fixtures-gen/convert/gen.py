#!/usr/bin/env python3
"""Writes whole tiny models (NEZHA, BERT, ALBERT) for the checkpoint converter's tests: for each, the
same weights as a TF checkpoint (with Adam slots and global_step, as Google's run_pretraining saves),
as PyTorch checkpoints (HF-ported state dicts) and as an independent reference.json in HF names,
plus expected.json. Python 3 standard library only; no TensorFlow, torch or numpy.

Run: python3 tests/fixtures-gen/convert/gen.py [--out DIR]
(DIR defaults to nezha-core/src/test/resources/convert). See that directory's README.md for the layout.

The TF -> HF mapping below is a plain table written for these fixtures, independent of the Java code.
"""

import argparse
import json
import math
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))
from tfbundle import encode, write_bundle  # noqa: E402
from torchsave import Storage, Tensor, save_legacy, save_zip, state_dict  # noqa: E402
from values import random_values, size_of, to_f16, to_f32, transpose  # noqa: E402

GLOBAL_STEP = 7
CKPT = "model.ckpt-%d" % GLOBAL_STEP

# vocab 40, hidden 8, 2 heads, intermediate 16, 2 layers, type_vocab 2, max_position_embeddings 16,
# max_relative_position 4; ALBERT: embedding_size 4, 4 layers in 2 groups of 1 layer
DIMS = {"V": 40, "H": 8, "I": 16, "P": 16, "T": 2, "E": 4, "heads": 2, "layers": 2, "max_rel": 4,
        "albert_layers": 4, "albert_groups": 2}

VOCAB = (["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
         + list("的一是不了在人有我他这中大来上国个到说们")
         + ["the", "of", "and", "a", "to", "in", "is", "##s", "##ing", "##ed", ",", ".", "1", "2", "nezha"])
assert len(VOCAB) == 40 and len(set(VOCAB)) == 40

# --- the explicit TF -> HF tables ----------------------------------------------------------------
# rows: (TF name, TF shape in DIMS letters, HF name, whether the TF [in, out] kernel becomes HF's [out, in])
# {p} is the family's HF prefix ("nezha." or "bert."), {n} a layer, {g} an ALBERT layer group.
# Rows are in the order HF's modules register their parameters (the torch state dicts follow it).
BERT_EMBEDDINGS = [
    ("bert/embeddings/word_embeddings", ("V", "H"), "{p}embeddings.word_embeddings.weight", False),
    ("bert/embeddings/position_embeddings", ("P", "H"), "{p}embeddings.position_embeddings.weight", False),
    ("bert/embeddings/token_type_embeddings", ("T", "H"), "{p}embeddings.token_type_embeddings.weight", False),
    ("bert/embeddings/LayerNorm/gamma", ("H",), "{p}embeddings.LayerNorm.weight", False),
    ("bert/embeddings/LayerNorm/beta", ("H",), "{p}embeddings.LayerNorm.bias", False),
]
BERT_LAYER = [
    ("bert/encoder/layer_{n}/attention/self/query/kernel", ("H", "H"), "{p}encoder.layer.{n}.attention.self.query.weight", True),
    ("bert/encoder/layer_{n}/attention/self/query/bias", ("H",), "{p}encoder.layer.{n}.attention.self.query.bias", False),
    ("bert/encoder/layer_{n}/attention/self/key/kernel", ("H", "H"), "{p}encoder.layer.{n}.attention.self.key.weight", True),
    ("bert/encoder/layer_{n}/attention/self/key/bias", ("H",), "{p}encoder.layer.{n}.attention.self.key.bias", False),
    ("bert/encoder/layer_{n}/attention/self/value/kernel", ("H", "H"), "{p}encoder.layer.{n}.attention.self.value.weight", True),
    ("bert/encoder/layer_{n}/attention/self/value/bias", ("H",), "{p}encoder.layer.{n}.attention.self.value.bias", False),
    ("bert/encoder/layer_{n}/attention/output/dense/kernel", ("H", "H"), "{p}encoder.layer.{n}.attention.output.dense.weight", True),
    ("bert/encoder/layer_{n}/attention/output/dense/bias", ("H",), "{p}encoder.layer.{n}.attention.output.dense.bias", False),
    ("bert/encoder/layer_{n}/attention/output/LayerNorm/gamma", ("H",), "{p}encoder.layer.{n}.attention.output.LayerNorm.weight", False),
    ("bert/encoder/layer_{n}/attention/output/LayerNorm/beta", ("H",), "{p}encoder.layer.{n}.attention.output.LayerNorm.bias", False),
    ("bert/encoder/layer_{n}/intermediate/dense/kernel", ("H", "I"), "{p}encoder.layer.{n}.intermediate.dense.weight", True),
    ("bert/encoder/layer_{n}/intermediate/dense/bias", ("I",), "{p}encoder.layer.{n}.intermediate.dense.bias", False),
    ("bert/encoder/layer_{n}/output/dense/kernel", ("I", "H"), "{p}encoder.layer.{n}.output.dense.weight", True),
    ("bert/encoder/layer_{n}/output/dense/bias", ("H",), "{p}encoder.layer.{n}.output.dense.bias", False),
    ("bert/encoder/layer_{n}/output/LayerNorm/gamma", ("H",), "{p}encoder.layer.{n}.output.LayerNorm.weight", False),
    ("bert/encoder/layer_{n}/output/LayerNorm/beta", ("H",), "{p}encoder.layer.{n}.output.LayerNorm.bias", False),
]
BERT_TOP = [
    ("bert/pooler/dense/kernel", ("H", "H"), "{p}pooler.dense.weight", True),
    ("bert/pooler/dense/bias", ("H",), "{p}pooler.dense.bias", False),
    ("cls/predictions/output_bias", ("V",), "cls.predictions.bias", False),
    ("cls/predictions/transform/dense/kernel", ("H", "H"), "cls.predictions.transform.dense.weight", True),
    ("cls/predictions/transform/dense/bias", ("H",), "cls.predictions.transform.dense.bias", False),
    ("cls/predictions/transform/LayerNorm/gamma", ("H",), "cls.predictions.transform.LayerNorm.weight", False),
    ("cls/predictions/transform/LayerNorm/beta", ("H",), "cls.predictions.transform.LayerNorm.bias", False),
    ("cls/seq_relationship/output_weights", (2, "H"), "cls.seq_relationship.weight", False),  # already [2, hidden]
    ("cls/seq_relationship/output_bias", (2,), "cls.seq_relationship.bias", False),
]

ALBERT_EMBEDDINGS = [
    ("bert/embeddings/word_embeddings", ("V", "E"), "albert.embeddings.word_embeddings.weight", False),
    ("bert/embeddings/position_embeddings", ("P", "E"), "albert.embeddings.position_embeddings.weight", False),
    ("bert/embeddings/token_type_embeddings", ("T", "E"), "albert.embeddings.token_type_embeddings.weight", False),
    ("bert/embeddings/LayerNorm/gamma", ("E",), "albert.embeddings.LayerNorm.weight", False),
    ("bert/embeddings/LayerNorm/beta", ("E",), "albert.embeddings.LayerNorm.bias", False),
    ("bert/encoder/embedding_hidden_mapping_in/kernel", ("E", "H"), "albert.encoder.embedding_hidden_mapping_in.weight", True),
    ("bert/encoder/embedding_hidden_mapping_in/bias", ("H",), "albert.encoder.embedding_hidden_mapping_in.bias", False),
]
_G = "bert/encoder/transformer/group_{g}/inner_group_0/"
_L = "albert.encoder.albert_layer_groups.{g}.albert_layers.0."
ALBERT_GROUP = [
    (_G + "LayerNorm_1/gamma", ("H",), _L + "full_layer_layer_norm.weight", False),
    (_G + "LayerNorm_1/beta", ("H",), _L + "full_layer_layer_norm.bias", False),
    (_G + "attention_1/self/query/kernel", ("H", "H"), _L + "attention.query.weight", True),
    (_G + "attention_1/self/query/bias", ("H",), _L + "attention.query.bias", False),
    (_G + "attention_1/self/key/kernel", ("H", "H"), _L + "attention.key.weight", True),
    (_G + "attention_1/self/key/bias", ("H",), _L + "attention.key.bias", False),
    (_G + "attention_1/self/value/kernel", ("H", "H"), _L + "attention.value.weight", True),
    (_G + "attention_1/self/value/bias", ("H",), _L + "attention.value.bias", False),
    (_G + "attention_1/output/dense/kernel", ("H", "H"), _L + "attention.dense.weight", True),
    (_G + "attention_1/output/dense/bias", ("H",), _L + "attention.dense.bias", False),
    (_G + "LayerNorm/gamma", ("H",), _L + "attention.LayerNorm.weight", False),
    (_G + "LayerNorm/beta", ("H",), _L + "attention.LayerNorm.bias", False),
    (_G + "ffn_1/intermediate/dense/kernel", ("H", "I"), _L + "ffn.weight", True),
    (_G + "ffn_1/intermediate/dense/bias", ("I",), _L + "ffn.bias", False),
    (_G + "ffn_1/intermediate/output/dense/kernel", ("I", "H"), _L + "ffn_output.weight", True),
    (_G + "ffn_1/intermediate/output/dense/bias", ("H",), _L + "ffn_output.bias", False),
]
ALBERT_TOP = [
    ("bert/pooler/dense/kernel", ("H", "H"), "albert.pooler.weight", True),
    ("bert/pooler/dense/bias", ("H",), "albert.pooler.bias", False),
    ("cls/predictions/output_bias", ("V",), "predictions.bias", False),
    ("cls/predictions/transform/LayerNorm/gamma", ("E",), "predictions.LayerNorm.weight", False),
    ("cls/predictions/transform/LayerNorm/beta", ("E",), "predictions.LayerNorm.bias", False),
    ("cls/predictions/transform/dense/kernel", ("H", "E"), "predictions.dense.weight", True),
    ("cls/predictions/transform/dense/bias", ("E",), "predictions.dense.bias", False),
    ("cls/seq_relationship/output_weights", (2, "H"), "sop_classifier.classifier.weight", False),
    ("cls/seq_relationship/output_bias", (2,), "sop_classifier.classifier.bias", False),
]


def shape_of(letters):
    return [DIMS[d] if isinstance(d, str) else d for d in letters]


def rows_for(family):
    """(TF name, TF shape, HF name, transpose) for every model variable of `family`, in HF module order."""
    out = []
    if family == "albert":
        out += [(tf, shape_of(s), hf, t) for tf, s, hf, t in ALBERT_EMBEDDINGS]
        for g in range(DIMS["albert_groups"]):
            out += [(tf.format(g=g), shape_of(s), hf.format(g=g), t) for tf, s, hf, t in ALBERT_GROUP]
        out += [(tf, shape_of(s), hf, t) for tf, s, hf, t in ALBERT_TOP]
        return out
    p = family + "."
    for tf, s, hf, t in BERT_EMBEDDINGS:
        if family == "nezha" and tf == "bert/embeddings/position_embeddings":
            continue  # NEZHA's positions are functional (relative): no variable
        out.append((tf, shape_of(s), hf.format(p=p), t))
    for n in range(DIMS["layers"]):
        out += [(tf.format(n=n), shape_of(s), hf.format(p=p, n=n), t) for tf, s, hf, t in BERT_LAYER]
    out += [(tf, shape_of(s), hf.format(p=p), t) for tf, s, hf, t in BERT_TOP]
    return out


def huawei_torch_name(hf):
    """NEZHA in Huawei's PyTorch port: `bert.` prefix, LayerNorm parameters called gamma/beta."""
    name = "bert." + hf[len("nezha."):] if hf.startswith("nezha.") else hf
    if ".LayerNorm." in name:
        name = name[: -len(".weight")] + ".gamma" if name.endswith(".weight") else name[: -len(".bias")] + ".beta"
    return name


def weights(model, rows):
    """Seeded float32 values of each variable, in TF layout (row-major over the TF shape)."""
    out = {}
    for tf, shape, hf, _ in rows:
        n = size_of(shape)
        if tf.endswith("/gamma"):
            out[tf] = random_values(model + "/" + tf, n, centre=1.0, spread=0.1)
        elif tf.endswith("bias") or tf.endswith("/beta"):
            out[tf] = random_values(model + "/" + tf, n, spread=0.1)
        else:
            out[tf] = random_values(model + "/" + tf, n, spread=0.5)
    return out


def hf_layout(tf_values, shape, transposed):
    """(HF shape, HF row-major values) of a TF variable."""
    if transposed:
        return [shape[1], shape[0]], transpose(tf_values, shape[0], shape[1])
    return list(shape), list(tf_values)


# --- configs --------------------------------------------------------------------------------------
def google_config(family):
    d = DIMS
    base = {"attention_probs_dropout_prob": 0.1, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
            "hidden_size": d["H"], "initializer_range": 0.02, "intermediate_size": d["I"],
            "max_position_embeddings": d["P"], "num_attention_heads": d["heads"], "num_hidden_layers": d["layers"],
            "type_vocab_size": d["T"], "vocab_size": d["V"]}
    if family == "bert":  # the fields of Google's Chinese BERT's bert_config.json
        base.update({"directionality": "bidi", "pooler_fc_size": d["H"], "pooler_num_attention_heads": d["heads"],
                     "pooler_num_fc_layers": 3, "pooler_size_per_head": 128, "pooler_type": "first_token_transform"})
        return dict(sorted(base.items()))
    if family == "nezha":  # Huawei's NEZHA bert_config.json
        base.update({"max_relative_position": d["max_rel"], "use_relative_position": True})
        return dict(sorted(base.items()))
    # Google's albert_config.json (ALBERT v2 field set and order)
    return {"attention_probs_dropout_prob": 0.1, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
            "embedding_size": d["E"], "hidden_size": d["H"], "initializer_range": 0.02, "intermediate_size": d["I"],
            "max_position_embeddings": d["P"], "num_attention_heads": d["heads"],
            "num_hidden_layers": d["albert_layers"], "num_hidden_groups": d["albert_groups"], "net_structure_type": 0,
            "layers_to_keep": [], "gap_size": 0, "num_memory_blocks": 0, "inner_group_num": 1,
            "down_scale_factor": 1, "type_vocab_size": d["T"], "vocab_size": d["V"]}


def hf_config(family, torch_dtype="float32"):
    d = DIMS
    common = {"attention_probs_dropout_prob": 0.1, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
              "hidden_size": d["H"], "initializer_range": 0.02, "intermediate_size": d["I"], "layer_norm_eps": 1e-12,
              "max_position_embeddings": d["P"], "num_attention_heads": d["heads"], "num_hidden_layers": d["layers"],
              "pad_token_id": 0, "torch_dtype": torch_dtype, "type_vocab_size": d["T"], "vocab_size": d["V"]}
    if family == "bert":
        common.update({"architectures": ["BertForPreTraining"], "model_type": "bert",
                       "position_embedding_type": "absolute", "classifier_dropout": None, "use_cache": True})
    elif family == "nezha":
        common.update({"architectures": ["NezhaForPreTraining"], "model_type": "nezha",
                       "max_relative_position": d["max_rel"], "classifier_dropout": 0.1, "use_cache": True})
    else:  # as HF's albert-*-v2 config.json: tanh-approximated GELU is "gelu_new" there
        common.update({"architectures": ["AlbertForPreTraining"], "model_type": "albert", "hidden_act": "gelu_new",
                       "embedding_size": d["E"], "num_hidden_layers": d["albert_layers"],
                       "num_hidden_groups": d["albert_groups"], "inner_group_num": 1, "net_structure_type": 0,
                       "gap_size": 0, "num_memory_blocks": 0, "down_scale_factor": 1,
                       "classifier_dropout_prob": 0.1, "bos_token_id": 2, "eos_token_id": 3})
    return dict(sorted(common.items()))


def write_json(path, obj, google_style=False):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        if google_style:  # Python 2's json.dumps(indent=2): ", " separators leave a space before each newline
            f.write(json.dumps(obj, indent=2, separators=(", ", ": ")) + "\n")
        else:
            f.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def compact_json(obj, indent="", inline=False):
    """JSON with each object or array on one line when it fits in 120 characters or is an element of an
    array (a tensor per line)."""
    flat = json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))
    if inline or len(indent) + len(flat) <= 120 or not isinstance(obj, (dict, list)) or not obj:
        return flat
    inner = indent + " "
    if isinstance(obj, dict):
        parts = ["%s%s: %s" % (inner, json.dumps(k), compact_json(v, inner)) for k, v in obj.items()]
        return "{\n" + ",\n".join(parts) + "\n" + indent + "}"
    return "[\n" + ",\n".join(inner + compact_json(v, inner, inline=True) for v in obj) + "\n" + indent + "]"


def write_vocab(path, tokens):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(t + "\n" for t in tokens))


# --- the sources ----------------------------------------------------------------------------------
def write_tf(model_dir, name, family, rows, values):
    """The TF checkpoint: every variable with adam_m/adam_v slots, and global_step (int64 scalar)."""
    tf_dir = os.path.join(model_dir, "tf")
    tensors = []
    for tf, shape, _, _ in rows:
        tensors.append((tf, "DT_FLOAT", shape, encode("DT_FLOAT", values[tf])))
        n = size_of(shape)
        tensors.append((tf + "/adam_m", "DT_FLOAT", shape,
                        encode("DT_FLOAT", random_values(name + "/" + tf + "/adam_m", n, spread=0.01))))
        tensors.append((tf + "/adam_v", "DT_FLOAT", shape,
                        encode("DT_FLOAT", random_values(name + "/" + tf + "/adam_v", n, centre=0.0005, spread=0.0005))))
    tensors.append(("global_step", "DT_INT64", [], encode("DT_INT64", [GLOBAL_STEP])))
    write_bundle(os.path.join(tf_dir, CKPT), tensors, block_bytes=4096)  # LevelDB's default block size
    with open(os.path.join(tf_dir, "checkpoint"), "w") as f:  # what tf.train.Saver writes next to the bundle
        f.write('model_checkpoint_path: "%s"\nall_model_checkpoint_paths: "%s"\n' % (CKPT, CKPT))
    config_name = "albert_config.json" if family == "albert" else "bert_config.json"
    write_json(os.path.join(tf_dir, config_name), google_config(family), google_style=(family == "bert"))
    write_vocab(os.path.join(tf_dir, "vocab.txt"), VOCAB)
    kept = sum(4 * size_of(shape) for _, shape, _, _ in rows)
    return {"checkpoint": "tf/" + CKPT, "config": "tf/" + config_name, "globalStep": GLOBAL_STEP,
            "tensors": len(tensors), "kept": len(rows),
            "dropped": {"optimizer slot": 2 * len(rows), "training step": 1},
            "keptBytes": kept, "totalBytes": sum(len(t[3]) for t in tensors)}


def relative_positions_encoding(length, depth, max_relative_position):
    """Huawei's RelativePositionsEncoding buffer: [length, length, depth], row i column j holding the
    sinusoid of the clipped distance j - i (computed in double here, then rounded to float32)."""
    table = []
    for v in range(2 * max_relative_position + 1):
        row = [0.0] * depth
        for k in range(0, depth, 2):
            angle = v * math.exp(k * (-math.log(10000.0) / depth))
            row[k], row[k + 1] = math.sin(angle), math.cos(angle)
        table.append(row)
    out = []
    for i in range(length):
        for j in range(length):
            out += table[max(-max_relative_position, min(max_relative_position, j - i)) + max_relative_position]
    return [to_f32(x) for x in out]


def torch_items(family, rows, values, storage_type="FloatStorage"):
    """The state dict an HF-ported checkpoint of `family` holds, in module order, as (name, Tensor), with
    the tensors a converter must drop: {name: reason}. Weights in HF layout ([out, in])."""
    convert = (lambda v: [to_f16(x) for x in v]) if storage_type == "HalfStorage" else (lambda v: v)
    items, dropped, by_hf = [], {}, {}
    prefix = {"bert": "bert.", "nezha": "bert.", "albert": "albert."}[family]
    if family in ("bert", "albert"):  # HF's persistent position_ids buffer (saved by transformers < 4.31)
        name = prefix + "embeddings.position_ids"
        items.append((name, Tensor(Storage("LongStorage", list(range(DIMS["P"]))), (1, DIMS["P"]))))
        dropped[name] = "buffer: position ids 0..%d" % (DIMS["P"] - 1)
    for tf, shape, hf, transposed in rows:
        hf_shape, hf_values = hf_layout(values[tf], shape, transposed)
        name = huawei_torch_name(hf) if family == "nezha" else hf
        tensor = Tensor(Storage(storage_type, convert(hf_values)), hf_shape)
        items.append((name, tensor))
        by_hf[hf] = (name, tensor)
        if family == "nezha" and hf.endswith(".attention.self.value.bias"):  # Huawei's persistent buffer
            layer = hf.split(".")[3]
            depth = DIMS["H"] // DIMS["heads"]
            buffer = "bert.encoder.layer.%s.attention.self.relative_positions_encoding.positions_encoding" % layer
            encoding = relative_positions_encoding(DIMS["P"], depth, DIMS["max_rel"])
            items.append((buffer, Tensor(Storage(storage_type, convert(encoding)), (DIMS["P"], DIMS["P"], depth))))
            dropped[buffer] = "buffer: relative-position sinusoids, derived from the config"
        if hf in ("cls.predictions.transform.LayerNorm.bias", "predictions.dense.bias"):
            # the MLM decoder: its weight is the word embeddings' storage (tied); HF also saves its bias,
            # which is the head's bias Parameter under a second name (Huawei's decoder has no bias)
            word_hf = ("albert." if family == "albert" else family + ".") + "embeddings.word_embeddings.weight"
            word_name, word = by_hf[word_hf]
            decoder = "predictions.decoder" if family == "albert" else "cls.predictions.decoder"
            items.append((decoder + ".weight", Tensor(word.storage, word.size)))
            dropped[decoder + ".weight"] = "tied: the storage of " + word_name
            if family != "nezha":
                bias_name, bias = by_hf[decoder.replace(".decoder", "") + ".bias"]
                items.append((decoder + ".bias", Tensor(bias.storage, bias.size)))
                dropped[decoder + ".bias"] = "tied: the storage of " + bias_name
    return items, dropped


def write_torch(model_dir, sub, family, rows, values, fmt="zip", storage_type="FloatStorage"):
    out = os.path.join(model_dir, sub)
    os.makedirs(out, exist_ok=True)
    items, dropped = torch_items(family, rows, values, storage_type)
    path = os.path.join(out, "pytorch_model.bin")
    (save_zip if fmt == "zip" else save_legacy)(path, state_dict(items))
    dtype = "F16" if storage_type == "HalfStorage" else "F32"
    write_json(os.path.join(out, "config.json"), hf_config(family, "float16" if dtype == "F16" else "float32"))
    write_vocab(os.path.join(out, "vocab.txt"), VOCAB)
    storages = {id(t.storage) for _, t in items}
    return {"format": fmt, "dtype": dtype, "tensors": len(items), "storages": len(storages),
            "kept": len(items) - len(dropped), "dropped": dropped}


def write_reference(path, rows, values):
    """The weights in HF names and layout, sorted by name, as JSON text (not a weights file): each value a
    float32 written as Python's shortest repr, which a reader parses back to exactly that float32."""
    tensors = []
    for tf, shape, hf, transposed in sorted(rows, key=lambda r: r[2]):
        hf_shape, hf_values = hf_layout(values[tf], shape, transposed)
        tensors.append({"name": hf, "shape": hf_shape, "values": hf_values})
    with open(path, "w") as f:
        json.dump({"dtype": "float32", "tensors": tensors}, f, separators=(",", ":"))
        f.write("\n")
    return {"dtype": "float32", "tensors": len(tensors), "values": sum(len(t["values"]) for t in tensors)}


def model(out, name, family):
    model_dir = os.path.join(out, name)
    if os.path.isdir(model_dir):
        shutil.rmtree(model_dir)
    rows = rows_for(family)
    values = weights(name, rows)
    expected = {"model": name, "family": family,
                "hfPrefix": {"bert": "bert.", "nezha": "nezha.", "albert": "albert."}[family],
                "hfConfig": hf_config(family)}
    tensors = []
    for tf, shape, hf, transposed in rows:
        hf_shape, _ = hf_layout(values[tf], shape, transposed)
        tensors.append({"name": hf, "shape": hf_shape, "tf": tf, "tfShape": shape, "transposed": transposed,
                        "torch": huawei_torch_name(hf) if family == "nezha" else hf})
    expected["tensors"] = sorted(tensors, key=lambda t: t["name"])
    expected["modelTensors"] = len(rows)
    expected["modelParameters"] = sum(size_of(shape) for _, shape, _, _ in rows)
    expected["tf"] = write_tf(model_dir, name, family, rows, values)
    expected["torch"] = {"torch/pytorch_model.bin": write_torch(model_dir, "torch", family, rows, values)}
    expected["reference"] = {"reference.json": write_reference(os.path.join(model_dir, "reference.json"), rows, values)}
    if family == "bert":
        expected["torch"]["torch_legacy/pytorch_model.bin"] = write_torch(model_dir, "torch_legacy", family, rows,
                                                                         values, fmt="legacy")
        expected["torch"]["torch_fp16/pytorch_model.bin"] = write_torch(model_dir, "torch_fp16", family, rows, values,
                                                                       storage_type="HalfStorage")
    files = {}
    for root, _, names in os.walk(model_dir):
        for n in names:
            path = os.path.join(root, n)
            files[os.path.relpath(path, model_dir).replace(os.sep, "/")] = os.path.getsize(path)
    expected["files"] = dict(sorted(files.items()))
    with open(os.path.join(model_dir, "expected.json"), "w", encoding="utf-8") as f:
        f.write(compact_json(expected) + "\n")


def wrong_vocab(out):
    """bert_tiny's vocabulary one line short, and its Google config with a hidden size its weights lack."""
    d = os.path.join(out, "bert_tiny_wrong_vocab")
    if os.path.isdir(d):
        shutil.rmtree(d)
    write_vocab(os.path.join(d, "vocab.txt"), VOCAB[:-1])
    config = google_config("bert")
    config["hidden_size"] = 16
    write_json(os.path.join(d, "bert_config_wrong_hidden.json"), config, google_style=True)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "..", "..", "nezha-core", "src", "test", "resources", "convert")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.normpath(default))
    out = parser.parse_args().out
    for name, family in (("nezha_tiny", "nezha"), ("bert_tiny", "bert"), ("albert_tiny", "albert")):
        model(out, name, family)
    wrong_vocab(out)


if __name__ == "__main__":
    main()
