#!/usr/bin/python3
"""Golden data for runtime/dsp/spectrogram: framed power spectrum in dB with a noise floor (numpy, float64).

Also the shared audio framing used by tests/ref/mfe.py and tests/ref/mfcc.py (they import this file).
Definitions (see runtime/dsp/spectrogram.h):
  frame samples L = int(float32(length_s) * float32(rate) + 0.5f), stride S likewise;
  frames = 1 + (n - L) // S (no padding: trailing samples that do not fill a frame are dropped);
  pre-emphasis per window: y[0] = x[0], y[i] = x[i] - c * x[i-1];
  frame = y[f*S : f*S+L] * window (Hamming, symmetric, or none), truncated / zero-padded to fft_length;
  power = |rfft|^2 / fft_length (python_speech_features' powspec);
  dB = 10 log10(max(power, 1e-30)); "db": max(dB, noise_floor); "normalized": clip((dB - nf) / (12 - nf), 0, 1).
Writes <outdir>/spectrogram.json: {cases: [{name, params..., input, frames, expected (frame-major)}]}.
"""
import json
import os
import sys

import numpy as np

RATE = 8000
FSDD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/datasets/fsdd/recordings")


def fsdd_recordings():
    """Two real spoken digits (8 kHz int16 -> float32 / 32768, as mote's WAV importer), or none when absent."""
    if not os.path.isdir(FSDD):
        return {}
    import scipy.io.wavfile
    out = {}
    for fname in ("3_jackson_0.wav", "7_theo_12.wav"):
        rate, pcm = scipy.io.wavfile.read(os.path.join(FSDD, fname))
        assert rate == RATE and pcm.dtype == np.int16
        out[fname] = (pcm.astype(np.float32) / np.float32(32768.0)).astype(np.float32)
    return out


def frame_samples(seconds, rate):
    return int(np.float32(seconds) * np.float32(rate) + np.float32(0.5))


def power_frames(x, p):
    """Frames x (fft_length/2+1) power spectrum, computed in float64 from the float32 input."""
    rate, nfft = p["sample_rate_hz"], p["fft_length"]
    flen, fstep = frame_samples(p["frame_length_s"], rate), frame_samples(p["frame_stride_s"], rate)
    x = np.asarray(x, dtype=np.float64)
    y = x.copy()
    y[1:] = x[1:] - float(np.float32(p["preemphasis"])) * x[:-1]
    nframes = 1 + (len(x) - flen) // fstep
    assert nframes >= 1
    frames = y[np.arange(nframes)[:, None] * fstep + np.arange(flen)[None, :]]
    if p["window"] == "hamming":
        frames = frames * np.hamming(flen)[None, :]
    spec = np.fft.rfft(frames, n=nfft, axis=1)  # truncates or zero-pads each frame to nfft
    return np.abs(spec) ** 2 / nfft


def to_db(power, noise_floor_db, scale):
    db = 10.0 * np.log10(np.maximum(power, 1e-30))
    if scale == "db":
        return np.maximum(db, noise_floor_db)
    return np.clip((db - noise_floor_db) / (12.0 - noise_floor_db), 0.0, 1.0)


def f32_list(a):
    return [float(v) for v in np.asarray(a, dtype=np.float32).reshape(-1)]


def test_signals(rng, n, rate=RATE):
    """The shared audio edge cases: noise, a pure tone, silence, clipping, DC, an impulse, a chirp."""
    t = np.arange(n) / rate
    sig = {
        "noise": np.clip(rng.standard_normal(n) * 0.3, -1, 1),
        # Off-bin on purpose: a bin-centred tone leaves the other bins at float rounding noise, whose log no
        # float32 FFT can reproduce (runtime's Spectrogram.ToneLandsInItsBin checks the bin-centred case).
        "tone-1010hz": 0.8 * np.sin(2 * np.pi * 1010.0 * t),
        "silence": np.zeros(n),
        "clipped-tone": np.clip(3.0 * np.sin(2 * np.pi * 440.0 * t), -1, 1),
        "dc": np.full(n, 0.5),
        "impulse": np.eye(1, n, n // 3)[0],
        "chirp": 0.5 * np.sin(2 * np.pi * (100.0 + 1500.0 * t) * t) + 0.01 * rng.standard_normal(n),
    }
    return {k: np.asarray(v, dtype=np.float32) for k, v in sig.items()}


def base_params(**kw):
    p = {"sample_rate_hz": RATE, "frame_length_s": 0.032, "frame_stride_s": 0.016, "fft_length": 256,
         "preemphasis": 0.98, "window": "none"}
    p.update(kw)
    return p


def main():
    rng = np.random.default_rng(1234)
    sigs = test_signals(rng, 4000)
    variants = [
        base_params(noise_floor_db=-52.0, scale="normalized"),
        base_params(noise_floor_db=-90.0, scale="db", window="hamming", preemphasis=0.0),
        base_params(noise_floor_db=-72.0, scale="normalized", frame_length_s=0.05, frame_stride_s=0.02,
                    fft_length=256),  # 400-sample frames truncated to the 256-point FFT
        base_params(noise_floor_db=-40.0, scale="db", frame_length_s=0.02, frame_stride_s=0.01, fft_length=512,
                    window="hamming"),
    ]
    cases = []
    for vi, p in enumerate(variants):
        for name, x in sigs.items():
            spec = to_db(power_frames(x, p), p["noise_floor_db"], p["scale"])
            cases.append(dict(p, name=f"{name}-v{vi}", input=f32_list(x), frames=int(spec.shape[0]),
                              expected=f32_list(spec)))
    short = sigs["noise"][:frame_samples(0.032, RATE) + 5]  # exactly one frame
    p = variants[0]
    spec = to_db(power_frames(short, p), p["noise_floor_db"], p["scale"])
    cases.append(dict(p, name="one-frame", input=f32_list(short), frames=int(spec.shape[0]), expected=f32_list(spec)))
    real = fsdd_recordings()
    for fname, x in real.items():
        for vi in (0, 3):
            p = variants[vi]
            spec = to_db(power_frames(x, p), p["noise_floor_db"], p["scale"])
            cases.append(dict(p, name=f"fsdd-{fname}-v{vi}", input=f32_list(x), frames=int(spec.shape[0]),
                              expected=f32_list(spec)))
    os.makedirs(sys.argv[1], exist_ok=True)
    with open(os.path.join(sys.argv[1], "spectrogram.json"), "w") as f:
        json.dump({"cases": cases, "fsdd": bool(real)}, f)


if __name__ == "__main__":
    main()
