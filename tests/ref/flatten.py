#!/usr/bin/python3
"""Golden data for runtime/dsp/flatten: per axis mean, min, max, RMS, population stdev (numpy) and
scipy.stats skew / kurtosis (Fisher, bias=True), for every statistic and random subsets of them, on
random, skewed, constant, silent, clipped, sine and large-offset windows. Writes <outdir>/flatten.json."""
import json, sys
import numpy as np
from scipy import stats

STATS = ["mean", "min", "max", "rms", "stdev", "skewness", "kurtosis"]  # FlattenStat order


def f32(values):
    return [float(v) for v in np.asarray(values, dtype=np.float32).ravel()]


def all_stats(v):
    flat = np.ptp(v) == 0  # the runtime reports 0 where scipy gives NaN
    return [v.mean(), v.min(), v.max(), np.sqrt(np.mean(v * v)), v.std(),
            0.0 if flat else stats.skew(v, bias=True), 0.0 if flat else stats.kurtosis(v, fisher=True, bias=True)]


rng = np.random.default_rng(3)
t = np.arange(128) / 64.0
inputs = {"random": rng.normal(1, 2, (125, 3)), "skewed": rng.exponential(1, (200, 2)),
          "constant": np.full((50, 3), 9.81), "silence": np.zeros((40, 2)),
          "clipped": np.clip(rng.normal(0, 5, (80, 1)), -4, 4), "sine": np.sin(2 * np.pi * 4 * t)[:, None],
          "offset": 9.81 + 0.05 * rng.normal(0, 1, (2000, 3)), "single": rng.normal(0, 1, (1, 2))}
cases = []
for name, x in inputs.items():
    x = np.asarray(x, dtype=np.float32)
    for scale in (1.0, 0.5, -3.0):
        xs = x.astype(np.float64) * float(np.float32(scale))
        for mask in ((1 << len(STATS)) - 1, int(rng.integers(1, 1 << len(STATS)))):
            out = []
            for a in range(x.shape[1]):
                out += [v for s, v in enumerate(all_stats(xs[:, a])) if mask >> s & 1]
            cases.append({"name": f"{name}-x{scale}-m{mask}", "frames": x.shape[0], "axes": x.shape[1],
                          "scale": scale, "stats": mask, "input": f32(x), "expected": [float(v) for v in out]})
json.dump({"cases": cases}, open(f"{sys.argv[1]}/flatten.json", "w"))
