#!/usr/bin/python3
"""Writes the .npy fixtures beside this script with numpy itself, so the Java readers are tested
against files numpy wrote rather than against the project's own writer.

Run with Debian's python3 and python3-numpy (apt-get install python3-numpy):

    /usr/bin/python3 src/test/resources/dev/mmgcn/data/numpy/make_fixtures.py

The values are restated in dev.mmgcn.data.NumpyFixturesTest; change both together.
The files written by numpy 1.24.2 (Debian 12) are committed; numpy 2 names its pickle module
numpy._core instead of numpy.core, which the readers accept too (see NpyTest).
"""
import os
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def save(name, array, allow_pickle=False):
    np.save(os.path.join(HERE, name), array, allow_pickle=allow_pickle)


# A 3x4 float matrix whose values are exact in float16, float32 and float64: signed zero, a float16
# subnormal (2^-24), the largest float16 (65504), and plain fractions.
FEATURES = np.array([[0.0, -0.0, 1.0, -2.5],
                     [0.125, 2.0 ** -24, 65504.0, -65504.0],
                     [3.75, -0.0625, 1000.5, 7.0]])
for dtype in ("f2", "f4", "f8"):
    for order, tag in (("<", "le"), (">", "be")):
        save(f"features_{dtype}_{tag}.npy", FEATURES.astype(order + dtype))

# float64 values that need rounding to float32 (the reader narrows them): 0.1, 1/3, 1e-40 (a float32 subnormal)
save("narrowing_f8_le.npy", np.array([0.1, 1.0 / 3.0, 1e-40, -1e30], dtype="<f8"))

# a column-major matrix, which the readers refuse with a hint
save("features_fortran.npy", np.asfortranarray(FEATURES.astype("<f4")))

# integer pairs, as MMGCN's train.npy and the word-pair files are: int64 both orders, int32, uint16
PAIRS = np.array([[0, 7], [0, 8], [1, 9], [2, 7], [3, 11]])
save("pairs_i8_le.npy", PAIRS.astype("<i8"))
save("pairs_i8_be.npy", PAIRS.astype(">i8"))
save("pairs_i4_le.npy", PAIRS.astype("<i4"))
save("pairs_u2_be.npy", PAIRS.astype(">u2"))

# MMGCN's val/test lists: an object array of Python lists [user, item, item, ...], users Python
# ints, items numpy int64 (as the original code builds them); one user with no items
lists = np.empty(3, dtype=object)
lists[0] = [0, np.int64(7), np.int64(9)]
lists[1] = [1]
lists[2] = [2, np.int64(11)]
save("val_lists.npy", lists, allow_pickle=True)

# MMGCN's user_item_dict.npy: np.save of a dict, i.e. a 0-d object array; items as numpy int64
user_item = {0: [np.int64(7), np.int64(8)], 1: [np.int64(9)], 2: [np.int64(7)], 3: [np.int64(11)]}
save("user_item_dict.npy", np.array(user_item, dtype=object), allow_pickle=True)

# A whole dataset in the original MMGCN layout (the official files' convention: item ids in the
# interaction files offset by the user count, 4 here; feature rows local), for MmgcnLoader.guess/load.
SET = os.path.join(HERE, "mmgcn_set")
os.makedirs(SET, exist_ok=True)
U = 4
train = np.array([[0, 0], [0, 1], [1, 2], [2, 0], [3, 4]], dtype=np.int64)
train[:, 1] += U
np.save(os.path.join(SET, "train.npy"), train)
val = np.empty(3, dtype=object)
val[0] = [0, np.int64(U + 2)]
val[1] = [1]
val[2] = [2, np.int64(U + 3)]
np.save(os.path.join(SET, "val.npy"), val, allow_pickle=True)
test = np.empty(2, dtype=object)
test[0] = [0, np.int64(U + 3)]
test[1] = [3, np.int64(U + 1)]
np.save(os.path.join(SET, "test.npy"), test, allow_pickle=True)
d = {}
for u, i in train.tolist():
    d.setdefault(u, []).append(np.int64(i))
np.save(os.path.join(SET, "user_item_dict.npy"), np.array(d, dtype=object), allow_pickle=True)
np.save(os.path.join(SET, "v_feat.npy"), (np.arange(15, dtype=np.float32).reshape(5, 3) / 4).astype("<f4"))
np.save(os.path.join(SET, "a_feat.npy"), (np.arange(10).reshape(5, 2) - 4.5).astype(">f2"))
