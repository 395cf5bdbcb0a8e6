#!/usr/bin/python3
"""Writes the seed corpora in tests/fuzz/corpus/<fuzzer>/ (small valid and broken inputs). Re-run to refresh."""
import io, json, os, shutil, struct, wave, zlib
from pathlib import Path

here = Path(__file__).resolve().parent
data = here.parent / "data"
out = here / "corpus"


def put(fuzzer, name, content):
    d = out / fuzzer
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(content if isinstance(content, bytes) else content.encode())


def cbor(v):
    def head(major, n):
        if n < 24: return bytes([major << 5 | n])
        if n < 256: return bytes([major << 5 | 24, n])
        if n < 65536: return bytes([major << 5 | 25]) + struct.pack(">H", n)
        return bytes([major << 5 | 26]) + struct.pack(">I", n)
    if isinstance(v, bool): return b"\xf5" if v else b"\xf4"
    if isinstance(v, int): return head(0, v) if v >= 0 else head(1, -1 - v)
    if isinstance(v, float): return b"\xfb" + struct.pack(">d", v)
    if isinstance(v, str): b = v.encode(); return head(3, len(b)) + b
    if isinstance(v, list): return head(4, len(v)) + b"".join(cbor(x) for x in v)
    if isinstance(v, dict): return head(5, len(v)) + b"".join(cbor(k) + cbor(x) for k, x in v.items())
    raise TypeError(v)


doc = {"protected": {"ver": "v1", "alg": "none", "iat": 1}, "signature": "0" * 64,
       "payload": {"device_name": "d", "device_type": "t", "interval_ms": 16.0,
                   "sensors": [{"name": "x", "units": "g"}, {"name": "y", "units": "g"}], "values": [[1.0, 2.5], [-3.0, 4.0]]}}
put("acquisition_json_fuzz", "good.json", json.dumps(doc))
for f in (data / "bad").glob("*.json"):
    put("acquisition_json_fuzz", f.name, f.read_bytes())
put("acquisition_cbor_fuzz", "good.cbor", cbor(doc))
put("acquisition_cbor_fuzz", "truncated.cbor", cbor(doc)[:40])
put("csv_fuzz", "timestamps.csv", "timestamp,accX,accY\n0,1,2\n10,3,4\n20,5,6\n")
put("csv_fuzz", "plain.csv", "a;b\n1;2\n3;4\n")
put("csv_fuzz", "units.csv", '"time (s)"\t"x [g]"\n0\t1.5\n0.01\t+2\n')
for f in (data / "bad").glob("*.csv"):
    put("csv_fuzz", f.name, f.read_bytes())
buf = io.BytesIO()
with wave.open(buf, "wb") as w:
    w.setnchannels(2); w.setsampwidth(2); w.setframerate(8000)
    w.writeframes(struct.pack("<8h", 0, 1000, -1000, 32767, -32768, 5, 6, 7))
put("wav_fuzz", "stereo.wav", buf.getvalue())
put("wav_fuzz", "broken.wav", buf.getvalue()[:30])
def png(w, h, color_type, channels):
    raw = b"".join(b"\x00" + bytes((x * 40 + y * 7 + c) % 256 for x in range(w) for c in range(channels)) for y in range(h))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
put("image_fuzz", "rgb.png", png(4, 3, 2, 3))
put("image_fuzz", "gray.png", png(3, 3, 0, 1))
put("image_fuzz", "rgba.png", png(2, 2, 6, 4))
put("info_labels_fuzz", "info.labels", json.dumps({"version": 1, "files": [
    {"path": "training/a.json", "name": "a", "category": "training", "label": {"type": "label", "label": "up"}},
    {"path": "../escape.json", "name": "b", "category": "testing", "label": {"type": "unlabeled"}}]}))
put("impulse_spec_fuzz", "spectral.json", json.dumps({"input": {"type": "time-series", "window_ms": 500, "frequency_hz": 100},
    "dsp": [{"type": "spectral", "params": {"fft_length": 32, "filter_type": "low", "filter_cutoff_hz": 10, "peaks": 2, "spectral_bands": 4}}],
    "learn": [{"type": "classifier"}]}))
put("impulse_spec_fuzz", "flatten.json", json.dumps({"input": {"type": "time-series", "window_ms": 100, "frequency_hz": 50, "axes": ["a", "b"]},
    "dsp": [{"type": "flatten", "axes": ["b"]}, {"type": "raw", "name": "r"}]}))
put("impulse_spec_fuzz", "image.json", json.dumps({"input": {"type": "image", "width": 8, "height": 8}, "dsp": [{"type": "image"}]}))
put("impulse_spec_fuzz", "audio.json", json.dumps({"input": {"type": "time-series", "window_ms": 250, "frequency_hz": 8000, "axes": ["audio"]},
    "dsp": [{"type": "mfcc", "name": "c", "params": {"num_filters": 20, "num_cepstral": 10, "cep_lifter": 0}},
            {"type": "mfe", "name": "e", "params": {"scale": "db", "noise_floor_db": -90, "window": "none"}},
            {"type": "spectrogram", "name": "s", "params": {"fft_length": 256, "preemphasis": 0.97}}],
    "learn": [{"type": "classifier", "dsp": ["c", "e"]}]}))
# MAT-files as scipy writes them (uncompressed and compressed) and UCI HAPT text files.
import tempfile
import numpy as np
import scipy.io
with tempfile.TemporaryDirectory() as tmp:
    rng = np.random.default_rng(3)
    for name, compress in (("cwru.mat", False), ("compressed.mat", True)):
        scipy.io.savemat(f"{tmp}/{name}", {"X097_DE_time": rng.normal(0, 0.1, (64, 1)), "X097_FE_time": rng.normal(0, 0.1, (64, 1)),
                                           "X097RPM": np.array([[1796.0]]), "mic": rng.integers(-9, 9, (1, 64)).astype(np.int16)},
                         do_compression=compress)
        put("mat_fuzz", name, (Path(tmp) / name).read_bytes())
put("hapt_fuzz", "labels.txt", "1 1 5 250 1232\n1 1 7 1233 1392\n2 1 4 1000 1100\n")
put("hapt_fuzz", "activity_labels.txt", "1 WALKING           \n7 STAND_TO_SIT        \n")
put("hapt_fuzz", "acc.txt", "0.9180555898766518 -0.1124999994242935 0.5097222514293852\n1.0 -1e-3 2.5E+1\n")
