#!/usr/bin/python3
"""MAT-files written by scipy.io.savemat (v5, uncompressed and zlib-compressed) for the MAT importer, plus what
they hold. Writes <outdir>/*.mat and <outdir>/mat_files.json."""
import json, sys
import numpy as np
import scipy.io

out = sys.argv[1]
rng = np.random.default_rng(11)
de = rng.normal(0, 0.1, (500, 1))
fe = rng.normal(0, 0.2, (500, 1)).astype(np.float32)
cases = []
# CWRU layout: two N x 1 channels sharing a record-id prefix, a scalar RPM, a shorter vector to ignore.
vars_ = {"X097_DE_time": de, "X097_FE_time": fe, "X097RPM": np.array([[1796.0]]), "short": np.arange(7.0)[:, None]}
for name, compress in (("cwru.mat", False), ("cwru_compressed.mat", True)):
    scipy.io.savemat(f"{out}/{name}", vars_, do_compression=compress, oned_as="column")
    cases.append({"file": name, "sensors": ["DE_time", "FE_time"], "frames": 500,
                  "values": [float(v) for v in np.hstack([de, fe.astype(np.float64)]).astype(np.float32).ravel()],
                  "scalars": {"X097RPM": 1796.0}})
# A 1 x N int16 row and an N x 3 matrix of int32 with no shared prefix.
row = rng.integers(-30000, 30000, (1, 64)).astype(np.int16)
mat3 = rng.integers(-1000, 1000, (64, 3)).astype(np.int32)
scipy.io.savemat(f"{out}/mixed.mat", {"mic": row, "acc": mat3, "label": "circle"}, do_compression=False)
cases.append({"file": "mixed.mat", "sensors": ["mic", "acc_1", "acc_2", "acc_3"], "frames": 64,
              "columns": {"mic": [float(v) for v in row.ravel()], "acc_1": [float(v) for v in mat3[:, 0]],
                          "acc_2": [float(v) for v in mat3[:, 1]], "acc_3": [float(v) for v in mat3[:, 2]]}})
json.dump({"cases": cases}, open(f"{out}/mat_files.json", "w"))
