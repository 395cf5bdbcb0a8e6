#!/usr/bin/python3
"""Golden data for runtime/dsp/mfe: mel filterbank energies in dB with a noise floor (numpy, float64).

Framing and power spectrum come from tests/ref/spectrogram.py; the mel filterbank is the
python_speech_features construction written here with numpy:
  mel(hz) = 2595 log10(1 + hz/700); num_filters + 2 points evenly spaced in mel over [low_hz, high_hz];
  bins = floor((fft_length + 1) * hz / rate); filter j rises over [bins[j], bins[j+1]) and falls over
  [bins[j+1], bins[j+2]) with weights (k - b0)/(b1 - b0) and (b2 - k)/(b2 - b1).
MFE output: energies = power @ filterbank.T, then the same dB / noise floor scaling as the spectrogram.
Writes <outdir>/mfe.json: {cases: [{name, params..., input, frames, expected (frames x num_filters)}],
filterbanks: [{num_filters, fft_length, sample_rate_hz, low_hz, high_hz, dense}]} (dense for the table test).
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spectrogram import (RATE, base_params, f32_list, frame_samples, fsdd_recordings, power_frames,  # noqa: E402
                         test_signals, to_db)


def hz_to_mel(hz):
    return 2595.0 * np.log10(1.0 + hz / 700.0)


def mel_to_hz(mel):
    return 700.0 * (10.0 ** (mel / 2595.0) - 1.0)


def mel_filterbank(num_filters, nfft, rate, low_hz, high_hz):
    mels = np.linspace(hz_to_mel(low_hz), hz_to_mel(high_hz), num_filters + 2)
    bins = np.floor((nfft + 1) * mel_to_hz(mels) / rate).astype(int)
    fb = np.zeros((num_filters, nfft // 2 + 1))
    for j in range(num_filters):
        b0, b1, b2 = bins[j], bins[j + 1], bins[j + 2]
        for k in range(b0, b1):
            fb[j, k] = (k - b0) / (b1 - b0)
        for k in range(b1, b2):
            fb[j, k] = (b2 - k) / (b2 - b1)
    return fb


def mel_energies(x, p, fb=None):
    """fb: the filterbank when already built (bench/dsp builds tables once, as mote does)."""
    if fb is None:
        fb = mel_filterbank(p["num_filters"], p["fft_length"], p["sample_rate_hz"], p["low_hz"], p["high_hz"])
    return power_frames(x, p) @ fb.T


def filterbank_record(p):
    fb = mel_filterbank(p["num_filters"], p["fft_length"], p["sample_rate_hz"], p["low_hz"], p["high_hz"])
    keys = ("num_filters", "fft_length", "sample_rate_hz", "low_hz", "high_hz")
    return dict({k: p[k] for k in keys}, dense=f32_list(fb))


def main():
    rng = np.random.default_rng(4321)
    sigs = test_signals(rng, 4000)
    variants = [  # the first is Edge Impulse-like: no window, 0.98, 40 filters, normalised with a -52 dB floor
        base_params(frame_length_s=0.02, frame_stride_s=0.01, num_filters=40, low_hz=300.0, high_hz=4000.0,
                    noise_floor_db=-52.0, scale="normalized"),
        base_params(num_filters=32, low_hz=0.0, high_hz=4000.0, noise_floor_db=-100.0, scale="db", window="hamming"),
        base_params(fft_length=512, num_filters=64, low_hz=20.0, high_hz=3800.0, noise_floor_db=-72.0,
                    scale="normalized", preemphasis=0.0),
    ]
    cases = []
    for vi, p in enumerate(variants):
        for name, x in sigs.items():
            out = to_db(mel_energies(x, p), p["noise_floor_db"], p["scale"])
            cases.append(dict(p, name=f"{name}-v{vi}", input=f32_list(x), frames=int(out.shape[0]),
                              expected=f32_list(out)))
    short = sigs["chirp"][:frame_samples(0.02, RATE)]
    out = to_db(mel_energies(short, variants[0]), -52.0, "normalized")
    cases.append(dict(variants[0], name="one-frame", input=f32_list(short), frames=1, expected=f32_list(out)))
    real = fsdd_recordings()
    for fname, x in real.items():
        for vi, p in enumerate(variants):
            out = to_db(mel_energies(x, p), p["noise_floor_db"], p["scale"])
            cases.append(dict(p, name=f"fsdd-{fname}-v{vi}", input=f32_list(x), frames=int(out.shape[0]),
                              expected=f32_list(out)))
    tables = [filterbank_record(p) for p in variants]
    tables.append(filterbank_record(base_params(num_filters=26, fft_length=512, sample_rate_hz=16000,
                                                low_hz=0.0, high_hz=8000.0)))
    tables.append(filterbank_record(base_params(num_filters=40, fft_length=128, sample_rate_hz=16000,
                                                low_hz=80.0, high_hz=7600.0)))  # narrow low filters repeat bins
    os.makedirs(sys.argv[1], exist_ok=True)
    with open(os.path.join(sys.argv[1], "mfe.json"), "w") as f:
        json.dump({"cases": cases, "filterbanks": tables, "fsdd": bool(real)}, f)


if __name__ == "__main__":
    main()
