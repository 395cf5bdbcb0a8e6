#!/usr/bin/python3
"""Golden data for runtime/dsp/raw: the float32 window times the float32 scale, frame-major, computed in
float64 with numpy. Writes <outdir>/raw.json."""
import json, sys
import numpy as np


def f32(values):
    return [float(v) for v in np.asarray(values, dtype=np.float32).ravel()]


rng = np.random.default_rng(6)
inputs = {"random": rng.normal(0, 5, (62, 3)), "silence": np.zeros((20, 3)), "dc": np.full((10, 1), 9.81),
          "clipped": np.clip(rng.normal(0, 40, (50, 6)), -32768, 32767), "sine": np.sin(2 * np.pi * np.arange(32) / 8)[:, None]}
cases = []
for name, x in inputs.items():
    x = np.asarray(x, dtype=np.float32)
    for scale in (1.0, 1 / 9.81, -2.5, 0.0):
        s = np.float32(scale)
        cases.append({"name": f"{name}-x{scale:.3g}", "frames": x.shape[0], "axes": x.shape[1], "scale": float(s),
                      "input": f32(x), "expected": [float(v) for v in (x.astype(np.float64) * float(s)).ravel()]})
json.dump({"cases": cases}, open(f"{sys.argv[1]}/raw.json", "w"))
