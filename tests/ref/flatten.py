#!/usr/bin/python3
"""Golden data for runtime/dsp/flatten: numpy/scipy.stats statistics per axis. Writes <outdir>/flatten.json."""
import json, sys
import numpy as np
from scipy import stats

rng = np.random.default_rng(3)
cases = []
inputs = {"random": rng.normal(1, 2, (125, 3)), "skewed": rng.exponential(1, (200, 2)),
          "constant": np.full((50, 3), 9.81), "clipped": np.clip(rng.normal(0, 5, (80, 1)), -4, 4)}
for name, x in inputs.items():
    x = x.astype(np.float32)
    for scale in (1.0, 0.5):
        xs = x.astype(np.float64) * np.float32(scale)
        out = []
        for a in range(x.shape[1]):
            v = xs[:, a]
            flat = np.ptp(v) == 0
            out += [v.mean(), v.min(), v.max(), np.sqrt(np.mean(v * v)), v.std(),
                    0.0 if flat else stats.skew(v, bias=True), 0.0 if flat else stats.kurtosis(v, fisher=True, bias=True)]
        cases.append({"name": f"{name}-x{scale}", "frames": x.shape[0], "axes": x.shape[1], "scale": scale,
                      "input": [float(v) for v in x.ravel()], "expected": [float(v) for v in out]})
json.dump({"cases": cases}, open(f"{sys.argv[1]}/flatten.json", "w"))
