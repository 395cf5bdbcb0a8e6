#!/usr/bin/python3
"""Golden data for runtime/dsp/fft: numpy's rfft (float64) of float32 inputs. Writes <outdir>/fft.json."""
import json, sys
import numpy as np

rng = np.random.default_rng(1)
cases = []
for n in (16, 32, 64, 256, 1024, 4096):
    signals = {"random": rng.normal(0, 1, n), "dc": np.full(n, 0.75), "zeros": np.zeros(n),
               "sine_bin3": np.sin(2 * np.pi * 3 * np.arange(n) / n), "clipped": np.clip(rng.normal(0, 3, n), -1, 1)}
    for name, x in signals.items():
        x = x.astype(np.float32)
        X = np.fft.rfft(x.astype(np.float64))
        cases.append({"name": f"{name}-{n}", "n": n, "input": [float(v) for v in x],
                      "expected": [float(v) for pair in zip(X.real, X.imag) for v in pair],
                      "power": [float(v) for v in np.abs(X) ** 2]})
json.dump({"cases": cases}, open(f"{sys.argv[1]}/fft.json", "w"))
