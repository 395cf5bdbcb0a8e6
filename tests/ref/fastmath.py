#!/usr/bin/python3
"""Inputs and float64 truths for runtime/dsp/fastmath (log, log10, exp). Writes <outdir>/fastmath.json."""
import json, sys
import numpy as np

rng = np.random.default_rng(5)
pos = np.concatenate([np.exp(rng.uniform(-80, 80, 3000)), [1e-38, 1e-40, 1.0, 2.0, 0.5, 10.0, 1e-10, 3.4e38, 1.0000001]])
pos = pos.astype(np.float32)
xs = np.concatenate([rng.uniform(-100, 88, 3000), [0.0, -0.0, 1.0, -1.0, 88.7, -87.0, 1e-7]]).astype(np.float32)
d = {"log_in": [float(v) for v in pos], "log": [float(v) for v in np.log(pos.astype(np.float64))],
     "log10": [float(v) for v in np.log10(pos.astype(np.float64))],
     "exp_in": [float(v) for v in xs], "exp": [float(v) for v in np.exp(xs.astype(np.float64))]}
json.dump(d, open(f"{sys.argv[1]}/fastmath.json", "w"))
