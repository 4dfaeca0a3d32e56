#!/usr/bin/env python3
"""Writes test/fixtures/safetensors/*.safetensors with Python's standard library only (struct and
json), as an independent writer for test/io-safetensors.test.ts. The layout follows the format's
specification: u64 little-endian header length, a JSON header, then the data. Run once; the
files are committed. The values are chosen so that each dtype's encoding is exact:
struct's 'e' format is IEEE binary16, and bfloat16 is the top half of a float32."""
import json
import struct
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "safetensors"


def bf16(x):
    return struct.pack("<I", struct.unpack("<I", struct.pack("<f", x))[0])[2:]


TENSORS = [
    # name, dtype, shape, bytes
    ("f16", "F16", [2, 3], b"".join(struct.pack("<e", v) for v in [1.0, -2.0, 65504.0, 2.0 ** -24, 0.1, float("inf")])),
    ("bf16", "BF16", [4], b"".join(bf16(v) for v in [1.0, -3.140625, 2.0 ** -126, 1.5e38])),
    ("f64", "F64", [2], struct.pack("<2d", 0.1, -1e300)),
    ("f32", "F32", [2, 2], struct.pack("<4f", 1.5, -0.0, 3.25, 1e-30)),
    ("i32", "I32", [3], struct.pack("<3i", -2147483648, 0, 2147483647)),
    ("flag", "BOOL", [3], bytes([1, 0, 1])),
    ("empty", "F32", [0, 4], b""),
    ("scalar", "F32", [], struct.pack("<f", 7.0)),
]


def write(path, tensors, metadata=None):
    header, data = {}, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text)) + text + data)


OUT.mkdir(parents=True, exist_ok=True)
write(OUT / "all-dtypes.safetensors", TENSORS, {"format": "pt", "written_by": "make-safetensors-fixtures.py"})
print("wrote", OUT / "all-dtypes.safetensors")
