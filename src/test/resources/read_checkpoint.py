"""Reads an mmgcn-engine checkpoint without mmgcn-engine and prints it as JSON (a test oracle).

With the `safetensors` package it uses safetensors.numpy; without it, numpy and the format's
published layout (8-byte little-endian header length, JSON header, raw little-endian data).
"""
import json
import struct
import sys

path = sys.argv[1]
try:
    from safetensors import safe_open
    from safetensors.numpy import load_file

    tensors = load_file(path)
    with safe_open(path, framework="np") as f:
        metadata = f.metadata()
    reader = "safetensors"
except ImportError:
    import numpy as np

    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    metadata = header.pop("__metadata__", {})
    types = {"F32": "<f4", "I32": "<i4", "U8": "u1"}
    tensors = {}
    for name, t in header.items():
        begin, end = t["data_offsets"]
        tensors[name] = np.frombuffer(raw[8 + n + begin:8 + n + end], dtype=types[t["dtype"]]).reshape(t["shape"])
    reader = "numpy"


def ids(name):
    offsets, data = tensors[name + ".offsets"], tensors[name + ".utf8"].tobytes()
    return [data[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(len(offsets) - 1)]


print(json.dumps({
    "reader": reader,
    "metadata": metadata,
    "tensors": {k: {"dtype": str(v.dtype), "shape": list(v.shape), "values": v.ravel().tolist()} for k, v in tensors.items()},
    "users": ids("ids.users"),
    "items": ids("ids.items"),
}))
