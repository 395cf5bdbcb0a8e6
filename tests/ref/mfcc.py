#!/usr/bin/python3
"""Golden data for runtime/dsp/mfcc (numpy/scipy, float64), python_speech_features-style MFCC:
pre-emphasis, frames, window, |rfft|^2 / NFFT, mel filterbank (tests/ref/mfe.py), log(max(E, 2^-52)),
scipy.fft.dct(type 2, norm="ortho")[:num_cepstral], lifter 1 + (L/2) sin(pi k / L), and optionally
subtracting each coefficient's mean over the window's frames.

Writes <outdir>/mfcc.json: {cases: [{name, params..., input, frames, expected (frames x num_cepstral)}],
fsdd: bool (whether a real recording from ../shared/datasets/fsdd is among the cases),
tables: {dct: [...], hamming: [...], lifter: [...]}} (tables for the AudioTables test).
"""
import json
import os
import sys

import numpy as np
import scipy.fft
import scipy.io.wavfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mfe import mel_energies  # noqa: E402
from spectrogram import base_params, f32_list, test_signals  # noqa: E402

LOG_FLOOR = 2.0 ** -52  # python_speech_features replaces 0 by float64 eps; ours floors at the same value
FSDD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/datasets/fsdd/recordings")


def dct_matrix(num_cepstral, num_filters):
    return scipy.fft.dct(np.eye(num_filters), type=2, norm="ortho", axis=0)[:num_cepstral]


def lifter(num_cepstral, cep_lifter):
    return 1.0 + (cep_lifter / 2.0) * np.sin(np.pi * np.arange(num_cepstral) / cep_lifter)


def mfcc(x, p, fb=None):
    log_e = np.log(np.maximum(mel_energies(x, p, fb), LOG_FLOOR))
    c = scipy.fft.dct(log_e, type=2, norm="ortho", axis=1)[:, :p["num_cepstral"]]
    if p["cep_lifter"] > 0:
        c = c * lifter(p["num_cepstral"], p["cep_lifter"])[None, :]
    if p["mean_normalize"]:
        c = c - c.mean(axis=0, keepdims=True)
    return c


def params(**kw):
    p = base_params(frame_length_s=0.025, frame_stride_s=0.01, fft_length=256, window="hamming", num_filters=26,
                    low_hz=0.0, high_hz=4000.0, num_cepstral=13, cep_lifter=22.0, mean_normalize=False,
                    preemphasis=0.97)
    p.update(kw)
    return p


def case(name, x, p):
    out = mfcc(x, p)
    return dict(p, name=name, input=f32_list(x), frames=int(out.shape[0]), expected=f32_list(out))


def main():
    rng = np.random.default_rng(777)
    sigs = test_signals(rng, 4000)
    variants = [
        params(),  # python_speech_features defaults scaled to 8 kHz
        params(mean_normalize=True),
        # Edge Impulse-like: no window, 0.98, 32 filters from 300 Hz, 13 coefficients, frames truncated to the FFT
        params(window="none", preemphasis=0.98, frame_length_s=0.04, frame_stride_s=0.02, num_filters=32,
               low_hz=300.0, cep_lifter=0.0, mean_normalize=True),
        params(fft_length=512, num_filters=40, num_cepstral=20, low_hz=50.0, high_hz=3900.0, cep_lifter=12.0),
    ]
    cases = []
    for vi, p in enumerate(variants):
        for name, x in sigs.items():
            cases.append(case(f"{name}-v{vi}", x, p))
    have_fsdd = os.path.isdir(FSDD)
    if have_fsdd:
        for fname in ("3_jackson_0.wav", "7_theo_12.wav"):
            rate, pcm = scipy.io.wavfile.read(os.path.join(FSDD, fname))
            assert rate == 8000 and pcm.dtype == np.int16
            x = (pcm.astype(np.float32) / np.float32(32768.0)).astype(np.float32)
            cases.append(case(f"fsdd-{fname}", x, variants[0]))
            cases.append(case(f"fsdd-{fname}-ei", x, variants[2]))
    tables = {
        "dct": [{"num_cepstral": k, "num_filters": m, "matrix": f32_list(dct_matrix(k, m))}
                for k, m in ((13, 26), (20, 40), (1, 1), (32, 32))],
        "hamming": [{"length": n, "window": f32_list(np.hamming(n))} for n in (1, 2, 200, 256, 401)],
        "lifter": [{"num_cepstral": k, "cep_lifter": l, "values": f32_list(lifter(k, l))}
                   for k, l in ((13, 22.0), (20, 12.0), (13, 7.5))],
    }
    os.makedirs(sys.argv[1], exist_ok=True)
    with open(os.path.join(sys.argv[1], "mfcc.json"), "w") as f:
        json.dump({"cases": cases, "fsdd": have_fsdd, "tables": tables}, f)


if __name__ == "__main__":
    main()
