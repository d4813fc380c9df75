"""Tensor values for the fixtures: deterministic, standard library only."""

import random
import struct


def values_for(seed, count, dtype="DT_FLOAT"):
    """Distinct small values, exact in every dtype they are written as (TF dtype names)."""
    raw = [((seed * 7 + i * 3) % 29) - 14 for i in range(count)]
    if dtype in ("DT_FLOAT", "DT_DOUBLE", "DT_HALF", "DT_BFLOAT16"):
        return [v / 8.0 for v in raw]
    if dtype == "DT_BOOL":
        return [v > 0 for v in raw]
    if dtype == "DT_UINT8":
        return [v + 14 for v in raw]
    return raw


def to_f32(v):
    """v rounded to the nearest float32 (as a Python float)."""
    return struct.unpack("<f", struct.pack("<f", v))[0]


def to_f16(v):
    """v rounded to the nearest float16 (as a Python float)."""
    return struct.unpack("<e", struct.pack("<e", v))[0]


def random_values(seed, count, centre=0.0, spread=0.5):
    """`count` float32 values uniform in centre ± spread, from random.Random(seed). A str seed is hashed with
    SHA-512 (random.seed version 2, stable since Python 3.2) and Random.random() is the Mersenne Twister's
    fixed output, so the values are the same on every Python 3 and platform."""
    rng = random.Random(seed)
    return [to_f32(centre + (rng.random() * 2.0 - 1.0) * spread) for _ in range(count)]


def size_of(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def transpose(values, rows, cols):
    """The row-major values of the [cols, rows] transpose of a row-major [rows, cols] matrix."""
    return [values[r * cols + c] for c in range(cols) for r in range(rows)]
