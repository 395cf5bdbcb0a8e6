#!/usr/bin/python3
"""Golden data for runtime/dsp/fft and the host tables (src/impulse/dsp_tables): numpy's rfft in float64
of float32 inputs, numpy cos/sin twiddles, scipy/numpy Hann and Hamming windows. Writes <outdir>/fft.json."""
import json, sys
import numpy as np
from scipy import signal


def f32(values):
    # float32 values as exact decimals (repr of the double equal to each float32)
    return [float(v) for v in np.asarray(values, dtype=np.float32).ravel()]


rng = np.random.default_rng(1)
cases = []
for n in (16, 32, 64, 128, 256, 512, 1024, 2048, 4096):
    k = np.arange(n)
    signals = {"random": rng.normal(0, 1, n), "sine_bin3": np.sin(2 * np.pi * 3 * k / n)}
    if n <= 256 or n == 4096:
        signals.update({"zeros": np.zeros(n), "dc": np.full(n, 0.75), "clipped": np.clip(rng.normal(0, 3, n), -1, 1),
                        "impulse": np.eye(1, n, 5)[0], "nyquist": np.cos(np.pi * k)})
    if n <= 64:  # per-bin error scales with the whole signal's energy; keep |X| well above it
        signals["large"] = rng.normal(0, 1000, n)
    for name, x in signals.items():
        x = np.asarray(x, dtype=np.float32)
        X = np.fft.rfft(x.astype(np.float64))
        cases.append({"name": f"{name}-{n}", "n": n, "input": f32(x),
                      "expected": [float(v) for pair in zip(X.real, X.imag) for v in pair],
                      "power": [float(v) for v in np.abs(X) ** 2]})

tables = []
for n in (16, 64, 4096):
    a = 2 * np.pi * np.arange(n // 2) / n
    bits = int(np.log2(n // 2))
    bitrev = [int(format(j, f"0{bits}b")[::-1], 2) for j in range(n // 2)]
    tables.append({"n": n, "cos": f32(np.cos(a)), "sin": f32(np.sin(a)), "bitrev": bitrev})

windows = []
for n in (1, 2, 16, 25, 64, 512):
    windows.append({"n": n, "hann_periodic": f32(signal.get_window("hann", n)), "hann_symmetric": f32(np.hanning(n)),
                    "hamming_periodic": f32(signal.get_window("hamming", n)), "hamming_symmetric": f32(np.hamming(n))})

json.dump({"cases": cases, "tables": tables, "windows": windows}, open(f"{sys.argv[1]}/fft.json", "w"))
