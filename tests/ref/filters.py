#!/usr/bin/python3
"""Golden data for runtime/dsp/filters and the host Butterworth design: scipy.signal.butter(output='sos')
then sosfilt in float64 on float32 inputs. Writes <outdir>/filters.json."""
import json, sys
import numpy as np
from scipy import signal

rng = np.random.default_rng(2)
cases = []
fs = 100.0
x = (rng.normal(0, 1, 400) + np.sin(2 * np.pi * 2 * np.arange(400) / fs) * 3).astype(np.float32)
for btype in ("low", "high"):
    for order in range(1, 9):
        for cutoff in (5.0, 20.0):
            sos = signal.butter(order, cutoff, btype=btype, fs=fs, output="sos")
            y = signal.sosfilt(sos, x.astype(np.float64))
            cases.append({"name": f"{btype}-{order}-{cutoff}", "order": order, "cutoff_hz": cutoff, "fs": fs,
                          "highpass": btype == "high", "input": [float(v) for v in x], "expected": [float(v) for v in y]})
json.dump({"cases": cases}, open(f"{sys.argv[1]}/filters.json", "w"))
