"""A safetensors writer: an 8-byte little-endian header length, the JSON header (each name's dtype,
shape and data_offsets relative to the end of the header; optional __metadata__ of strings) padded with
spaces to a multiple of 8 bytes, then the raw little-endian tensor data. Standard library only."""

import json
import struct

FORMATS = {"F32": ("f", 4), "F16": ("e", 2), "F64": ("d", 8), "I64": ("q", 8), "I32": ("i", 4)}


def write(path, tensors, metadata=None):
    """tensors: (name, dtype, shape, values) in the order their data is laid out. Returns the header size
    (8 + JSON) and the data size."""
    header, data = {}, bytearray()
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, dtype, shape, values in tensors:
        code, size = FORMATS[dtype]
        n = 1
        for d in shape:
            n *= d
        if n != len(values):
            raise ValueError("%s: shape %s holds %d values, got %d" % (name, shape, n, len(values)))
        start = len(data)
        data += struct.pack("<%d%s" % (n, code), *values)
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [start, len(data)]}
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + bytes(data))
    return 8 + len(text), len(data)
