"""PyTorch checkpoints in torch.save's exact layouts, written without torch.

Follows torch/serialization.py (_save for the zip format, _legacy_save for the pre-1.6 one) and
torch/_utils.py: the pickles reference the same globals torch writes (collections.OrderedDict,
torch._utils._rebuild_tensor_v2 / _rebuild_parameter, torch.FloatStorage, ...) through stand-in
modules registered as "torch" and "torch._utils" (importing this module registers them), and storages
go out as persistent ids. Standard library only.
"""
import collections
import io
import os
import pickle
import struct
import sys
import types
import zipfile

# --- stand-ins that pickle by reference as torch's own globals -------------------------------------
torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")
torch._utils = torch_utils
sys.modules["torch"] = torch
sys.modules["torch._utils"] = torch_utils

# storage class -> (struct format of one element, element bytes)
STORAGE_TYPES = {
    "FloatStorage": ("f", 4), "HalfStorage": ("e", 2), "BFloat16Storage": (None, 2), "DoubleStorage": ("d", 8),
    "LongStorage": ("q", 8), "IntStorage": ("i", 4), "ShortStorage": ("h", 2), "CharStorage": ("b", 1),
    "ByteStorage": ("B", 1), "BoolStorage": ("?", 1), "ComplexFloatStorage": ("q", 8),
}
DTYPE_NAMES = {"FloatStorage": "float32", "HalfStorage": "float16", "BFloat16Storage": "bfloat16",
               "DoubleStorage": "float64", "LongStorage": "int64", "IntStorage": "int32", "ShortStorage": "int16",
               "CharStorage": "int8", "ByteStorage": "uint8", "BoolStorage": "bool"}


def _register(module, name, obj):
    obj.__module__ = module.__name__
    obj.__qualname__ = name
    obj.__name__ = name
    setattr(module, name, obj)
    return obj


for _name in STORAGE_TYPES:
    _register(torch, _name, type(_name, (), {}))


def _rebuild_tensor_v2(*args):
    raise AssertionError("only pickled, never called")


def _rebuild_parameter(*args):
    raise AssertionError("only pickled, never called")


_register(torch_utils, "_rebuild_tensor_v2", _rebuild_tensor_v2)
_register(torch_utils, "_rebuild_parameter", _rebuild_parameter)


def element_bytes(storage_type, value):
    fmt, size = STORAGE_TYPES[storage_type]
    if storage_type == "BFloat16Storage":  # the upper half of the float32 bits (values chosen exact)
        return struct.pack("<f", value)[2:]
    return struct.pack("<" + fmt, value)


class Storage:
    """A typed storage: persistent_id turns it into ('storage', torch.XStorage, key, 'cpu', numel)."""

    def __init__(self, storage_type, values):
        self.type = storage_type
        self.values = list(values)
        self.key = None

    def data(self):
        return b"".join(element_bytes(self.type, v) for v in self.values)


class StorageView:
    """A pre-0.4 storage view, which only the legacy format can hold: view_metadata (view_key, offset, size)."""

    def __init__(self, root, offset, size):
        self.root, self.offset, self.type = root, offset, root.type
        self.values = root.values[offset:offset + size]


class Tensor:
    """Pickles as torch.Tensor.__reduce_ex__ does: _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)."""

    def __init__(self, storage, size, stride=None, offset=0):
        self.storage, self.size, self.offset = storage, tuple(size), offset
        self.stride = tuple(stride) if stride is not None else contiguous_strides(size)

    def __reduce_ex__(self, protocol):
        return (_rebuild_tensor_v2, (self.storage, self.offset, self.size, self.stride, False, collections.OrderedDict()))

    def values(self):
        out = []

        def walk(dim, at):
            if dim == len(self.size):
                out.append(self.storage.values[at])
                return
            for i in range(self.size[dim]):
                walk(dim + 1, at + i * self.stride[dim])
        walk(0, self.offset)
        return out


class Parameter:
    """nn.Parameter pickles as _rebuild_parameter(data, requires_grad, hooks)."""

    def __init__(self, tensor):
        self.tensor = tensor

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self.tensor, True, collections.OrderedDict()))


def contiguous_strides(size):
    strides, step = [], 1
    for s in reversed(size):
        strides.insert(0, step)
        step *= s
    return tuple(strides)


def tensor_of(state_value):
    return state_value.tensor if isinstance(state_value, Parameter) else state_value


def state_dict(items):
    sd = collections.OrderedDict(items)
    sd._metadata = collections.OrderedDict([("", {"version": 1})])  # what nn.Module.state_dict() attaches
    return sd


class TorchPickler(pickle.Pickler):
    def __init__(self, file, protocol, legacy):
        super().__init__(file, protocol=protocol)
        self.legacy = legacy
        self.storages = {}

    def persistent_id(self, obj):
        if isinstance(obj, StorageView):
            root = self.persistent_id(obj.root)
            return root[:5] + ((root[2] + "-view", obj.offset, len(obj.values)),)
        if not isinstance(obj, Storage):
            return None
        if obj.key is None:
            # zip: sequential keys; legacy: str(id(storage)), some large number
            obj.key = str(len(self.storages)) if not self.legacy else str(140000000000000 + 64 * len(self.storages))
        self.storages[obj.key] = obj
        pid = ("storage", getattr(torch, obj.type), obj.key, "cpu", len(obj.values))
        return pid + (None,) if self.legacy else pid


# --- the two layouts -------------------------------------------------------------------------------
ALIGNMENT = 64  # torch's PyTorchStreamWriter aligns every record's data to 64 bytes


def write_record(zf, name, data):
    """A stored record whose data starts on a 64-byte boundary, padded like torch with an 'FB' extra field."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    header_end = zf.fp.tell() + 30 + len(name.encode())
    pad = (-(header_end + 4)) % ALIGNMENT
    info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
    zf.writestr(info, data)


def save_zip(path, obj, protocol=2):
    buf = io.BytesIO()
    pickler = TorchPickler(buf, protocol, legacy=False)
    pickler.dump(obj)
    archive = os.path.splitext(os.path.basename(path))[0]
    with zipfile.ZipFile(path, "w") as zf:
        write_record(zf, archive + "/data.pkl", buf.getvalue())
        write_record(zf, archive + "/byteorder", b"little")
        for key in sorted(pickler.storages, key=int):
            write_record(zf, archive + "/data/" + key, pickler.storages[key].data())
        write_record(zf, archive + "/version", b"3\n")
        write_record(zf, archive + "/.data/serialization_id", b"0" * 40)


def save_legacy(path, obj, protocol=2):
    with open(path, "wb") as f:
        pickle.dump(0x1950a86a20f9469cfc6c, f, protocol=protocol)  # MAGIC_NUMBER
        pickle.dump(1001, f, protocol=protocol)  # PROTOCOL_VERSION
        pickle.dump({"protocol_version": 1001, "little_endian": True,
                     "type_sizes": {"short": 2, "int": 4, "long": 4}}, f, protocol=protocol)
        pickler = TorchPickler(f, protocol, legacy=True)
        pickler.dump(obj)
        keys = sorted(pickler.storages)
        pickle.dump(keys, f, protocol=protocol)
        for key in keys:  # storage._write_file: int64 element count, then the raw bytes
            storage = pickler.storages[key]
            f.write(struct.pack("<q", len(storage.values)))
            f.write(storage.data())
