"""Checks `export`'s files with numpy alone against the checkpoint, read by its published layout (a test oracle).

usage: check_export.py CHECKPOINT NPY_DIR NPZ_FILE
Prints a JSON summary; exits non-zero (with the reason) on the first difference.
"""
import json
import struct
import sys

import numpy as np

checkpoint, npy_dir, npz_file = sys.argv[1:4]
raw = open(checkpoint, "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
header = json.loads(raw[8:8 + n])
meta = header.pop("__metadata__", {})
types = {"F32": "<f4", "I32": "<i4", "U8": "u1"}
ck = {}
for name, t in header.items():
    begin, end = t["data_offsets"]
    ck[name] = np.frombuffer(raw[8 + n + begin:8 + n + end], dtype=types[t["dtype"]]).reshape(t["shape"])


def ids(name):
    offsets, data = ck[name + ".offsets"], ck[name + ".utf8"].tobytes()
    return [data[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(len(offsets) - 1)]


def same(what, a, b):
    if a.dtype != b.dtype or a.shape != b.shape or not np.array_equal(a, b):
        sys.exit(f"{what}: {a.dtype}{a.shape} differs from {b.dtype}{b.shape}")


users = len(ck["seen.row_ptr"]) - 1
rep = ck["representation"]
user_ids, item_ids = ids("ids.users"), ids("ids.items")

# --format npy
same("user_embeddings.npy", np.load(f"{npy_dir}/user_embeddings.npy"), rep[:users])
same("item_embeddings.npy", np.load(f"{npy_dir}/item_embeddings.npy"), rep[users:])
for name, expected in (("user_ids.txt", user_ids), ("item_ids.txt", item_ids)):
    with open(f"{npy_dir}/{name}", encoding="utf-8") as f:
        got = f.read().split("\n")
    if got != expected + [""]:
        sys.exit(f"{name}: {got[:3]}... is not {expected[:3]}...")

# --format npz: no pickle allowed, every float tensor of the checkpoint under its name
z = np.load(npz_file, allow_pickle=False)
record = {"representation", "seen.row_ptr", "seen.items", "ids.users.offsets", "ids.users.utf8", "ids.items.offsets", "ids.items.utf8"}
parameters = [k for k, t in header.items() if t["dtype"] == "F32" and k not in record]
for p in parameters:
    if p not in z.files:
        sys.exit(f"parameter {p} is missing from the npz ({z.files})")
    same(p, z[p], ck[p])
same("npz user_embeddings", z["user_embeddings"], rep[:users])
same("npz item_embeddings", z["item_embeddings"], rep[users:])
same("npz seen_row_ptr", z["seen_row_ptr"], ck["seen.row_ptr"])
same("npz seen_items", z["seen_items"], ck["seen.items"])
if z["user_ids"].tolist() != user_ids or z["item_ids"].tolist() != item_ids:
    sys.exit("npz ids differ from the checkpoint's")
m = json.loads(z["metadata"].item())
if m["data_fingerprint"] != meta["fingerprint"]:
    sys.exit("npz metadata fingerprint differs")
for k, v in meta.items():
    if not (k.startswith("format") or k.startswith("fingerprint") or k.startswith("crc32c")) and m["settings"].get(k) != v:
        sys.exit(f"npz metadata setting {k}: {m['settings'].get(k)!r} is not {v!r}")
# the user's score as the README says: users[u] @ items[i]
u0 = z["user_embeddings"][0].astype(np.float64) @ z["item_embeddings"].astype(np.float64).T

print(json.dumps({"members": z.files, "parameters": parameters, "user_ids": len(user_ids), "item_ids": len(item_ids),
                  "scores_of_first_user": u0[:3].tolist()}))
