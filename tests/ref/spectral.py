#!/usr/bin/python3
"""Golden data for runtime/dsp/spectral, computed independently with scipy: butter + sosfilt for the
filter, scipy.stats for the moments, scipy.signal.welch for the power spectrum, plain Python for bands and
peaks. Inputs: motion, silence, DC, clipping, a short window, a pure sine at a bin centre. Writes
<outdir>/spectral.json; a case from a real accelerometer recording (../shared/datasets/ei-gestures) is
added when that folder is present."""
import glob, json, os, sys
import numpy as np
from scipy import signal, stats


def log_band_edges(n, bands):
    # Same rule as src/impulse/dsp_tables.cpp: geometric edges over bins 1..n/2, each band >= 1 bin.
    top = n // 2
    e = []
    for b in range(bands + 1):
        v = int(np.floor(np.exp(np.log(top + 1) * b / bands) + 0.5))
        if e and v <= e[-1]:
            v = e[-1] + 1
        e.append(v)
    for b in range(bands, 0, -1):
        if e[b] > top + 1 - (bands - b):
            e[b] = top + 1 - (bands - b)
        else:
            break
    return e


def linear_band_edges(n, bands):
    return [1 + b * (n // 2) // bands for b in range(bands + 1)]


def reference(x, fs, p, sos=None):
    """sos: the filter's sections when already designed (bench/dsp designs them once, as mote does)."""
    if p["filter_type"] != "none" and sos is None:
        sos = signal.butter(p["filter_order"], p["filter_cutoff_hz"], btype=p["filter_type"], fs=fs, output="sos")
    out = []
    for a in range(x.shape[1]):
        v = x[:, a].astype(np.float64) * np.float32(p["scale_axes"])
        if p["filter_type"] != "none":
            v = signal.sosfilt(sos, v)
        flat = np.ptp(v) < 1e-9 * max(1.0, abs(v.mean()))
        out += [np.sqrt(np.mean(v * v)), 0.0 if flat else stats.skew(v), 0.0 if flat else stats.kurtosis(v)]
        n = p["fft_length"]
        d = v - v.mean()
        if len(d) < n:
            d = np.concatenate([d, np.zeros(n - len(d))])
        _, psd = signal.welch(d, fs=fs, window="hann", nperseg=n, noverlap=n // 2, detrend=False, scaling="density")
        floor = max(1e-10, 1e-8 * np.mean(v * v))
        shape = (lambda y: np.log10(np.maximum(y, floor))) if p["take_log"] else (lambda y: y)
        if p["skip_power"]:
            pass
        elif p["spectral_bands"]:
            edges = log_band_edges if p["band_spacing"] == "log" else linear_band_edges
            e = edges(n, p["spectral_bands"])
            out += [shape(psd[e[b]:e[b + 1]].mean()) for b in range(p["spectral_bands"])]
        else:
            out += list(shape(psd[1:n // 2 + 1]))
        threshold = max(floor, p["peaks_threshold"])
        peaks = [k for k in range(1, n // 2) if psd[k] > psd[k - 1] and psd[k] > psd[k + 1] and psd[k] > threshold]
        peaks.sort(key=lambda k: (-psd[k], k))
        for i in range(p["peaks"]):
            missing = np.log10(floor) if p["take_log"] else 0.0
            out += [peaks[i] * fs / n, shape(psd[peaks[i]])] if i < len(peaks) else [0.0, missing]
    return [float(v) for v in out]


def params(**kw):
    p = {"scale_axes": 1.0, "filter_type": "none", "filter_cutoff_hz": 3.0, "filter_order": 6, "fft_length": 64,
         "spectral_bands": 0, "band_spacing": "log", "take_log": True, "peaks": 0, "peaks_threshold": 0.0,
         "skip_power": False}
    p.update(kw)
    return p


def main():
    rng = np.random.default_rng(4)
    fs = 62.5
    t = np.arange(125) / fs
    motion = np.stack([3 * np.sin(2 * np.pi * 2 * t), 2 * np.cos(2 * np.pi * 1 * t), 9.81 + 0.3 * rng.normal(size=125)], 1)
    inputs = {"motion": motion + rng.normal(0, 0.2, motion.shape), "silence": np.zeros((125, 3)), "dc": np.full((125, 2), 9.81),
              "clipped": np.clip(rng.normal(0, 6, (125, 3)), -4, 4), "short": rng.normal(0, 1, (40, 3)),
              "sine_bin8": np.stack([np.sin(2 * np.pi * 8 * np.arange(128) / 64), np.zeros(128)], 1)}
    configs = [params(), params(take_log=False, fft_length=32), params(filter_type="low", filter_cutoff_hz=5.0, filter_order=4),
               params(filter_type="high", filter_cutoff_hz=1.0, filter_order=3, scale_axes=0.5),
               params(spectral_bands=8, peaks=3), params(fft_length=128, peaks=2, take_log=False),
               params(spectral_bands=5, band_spacing="linear", peaks=4, peaks_threshold=0.05),
               params(skip_power=True, peaks=3, filter_type="low", filter_cutoff_hz=20.0, filter_order=1)]
    cases = []
    for name, x in inputs.items():
        x = x.astype(np.float32)
        for i, p in enumerate(configs):
            cases.append({"name": f"{name}-{i}", "frames": x.shape[0], "axes": x.shape[1], "fs": fs, "params": p,
                          "input": [float(v) for v in x.ravel()], "expected": reference(x, fs, p)})

    real = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "../../../shared/datasets/ei-gestures/training/circle*.json")))
    if real:
        doc = json.load(open(real[0]))
        fs_real = 1000.0 / doc["payload"]["interval_ms"]
        x = np.asarray(doc["payload"]["values"], dtype=np.float32)[:208]  # a 2 s window at 104 Hz
        p = params(filter_type="low", filter_cutoff_hz=8.0, filter_order=6, fft_length=128, peaks=3)
        cases.append({"name": "ei-gestures-circle", "frames": x.shape[0], "axes": x.shape[1], "fs": fs_real, "params": p,
                      "input": [float(v) for v in x.ravel()], "expected": reference(x, fs_real, p)})
    json.dump({"cases": cases, "real_data": bool(real)}, open(f"{sys.argv[1]}/spectral.json", "w"))


if __name__ == "__main__":
    main()
