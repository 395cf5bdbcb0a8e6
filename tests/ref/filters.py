#!/usr/bin/python3
"""Golden data for runtime/dsp/filters and the host Butterworth design (src/impulse/dsp_tables):
scipy.signal.butter(output='sos') coefficients, and sosfilt in float64 on float32 inputs (random, silence,
DC step, clipped, a pure sine). Writes <outdir>/filters.json."""
import json, sys
import numpy as np
from scipy import signal


def f32(values):
    return [float(v) for v in np.asarray(values, dtype=np.float32).ravel()]


rng = np.random.default_rng(2)
fs = 100.0
t = np.arange(400) / fs
inputs = {"random": rng.normal(0, 1, 400) + 3 * np.sin(2 * np.pi * 2 * t), "silence": np.zeros(400),
          "dc_step": np.where(t >= 1.0, 9.81, 0.0), "clipped": np.clip(rng.normal(0, 3, 400), -2, 2),
          "sine": np.sin(2 * np.pi * 12.5 * t)}
designs = []
for btype in ("low", "high"):
    for order in range(1, 9):
        for cutoff in (1.0, 5.0, 20.0, 40.0):
            designs.append((btype, order, cutoff))
cases = []
for i, (btype, order, cutoff) in enumerate(designs):
    sos = signal.butter(order, cutoff, btype=btype, fs=fs, output="sos")
    # every design filters the random signal; the edge-case signals rotate through the designs
    names = ["random"] + ([list(inputs)[1 + i % 4]] if i % 3 == 0 else [])
    for name in names:
        x = np.asarray(inputs[name], dtype=np.float32)
        y = signal.sosfilt(sos, x.astype(np.float64))
        cases.append({"name": f"{btype}-{order}-{cutoff}-{name}", "order": order, "cutoff_hz": cutoff, "fs": fs,
                      "highpass": btype == "high", "sos": [float(v) for v in sos.ravel()],
                      "input": f32(x), "expected": [float(v) for v in y]})
json.dump({"cases": cases}, open(f"{sys.argv[1]}/filters.json", "w"))
