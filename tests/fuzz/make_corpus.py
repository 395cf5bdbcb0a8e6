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
# Raw HTTP requests for http_request_fuzz: the session token its server uses, every ingestion format, edits.
def http(method, target, headers=(), body=b"", auth=True):
    if isinstance(body, str): body = body.encode()
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1:4446"] + list(headers)
    if auth: lines.append("x-session-token: fuzz-session")
    if body or method in ("POST", "PUT"): lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
unsigned = dict(doc, protected={"ver": "v1", "alg": "none", "iat": 1})
put("http_request_fuzz", "ingest_json", http("POST", "/api/training/data", ["x-label: idle", "x-file-name: idle.1.json",
    "Content-Type: application/json"], json.dumps(unsigned)))
put("http_request_fuzz", "ingest_cbor", http("POST", "/api/testing/data", ["x-label: wave", "Content-Type: application/cbor",
    "x-disallow-duplicates: 1"], cbor(unsigned)))
put("http_request_fuzz", "ingest_csv", http("POST", "/api/training/files", ["x-file-name: walk.csv", "Content-Type: text/csv"],
    "timestamp,accX,accY\n0,1,2\n10,3,4\n20,5,6\n"))
put("http_request_fuzz", "ingest_anomaly", http("POST", "/api/anomaly/data", ["Content-Type: application/json"],
    json.dumps(unsigned)))
boundary = "xYzZY"
multipart = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"data\"; filename=\"up.1.csv\"\r\n"
             "Content-Type: text/csv\r\n\r\ntimestamp,a\n0,1\n5,2\n"
             f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"data\"; filename=\"up.2.json\"\r\n"
             f"Content-Type: application/json\r\n\r\n{json.dumps(unsigned)}\r\n--{boundary}--\r\n")
put("http_request_fuzz", "ingest_multipart", http("POST", "/api/training/files", ["x-label: up",
    f"Content-Type: multipart/form-data; boundary={boundary}"], multipart))
put("http_request_fuzz", "no_credentials", http("POST", "/api/training/data", ["x-label: a"], json.dumps(unsigned), auth=False))
put("http_request_fuzz", "bad_key", http("POST", "/api/training/data", ["x-api-key: ei_0123"], "{}", auth=False))
put("http_request_fuzz", "list", http("GET", "/api/samples?label=idle&category=training&offset=0&limit=5", auth=False))
put("http_request_fuzz", "one_sample", http("GET", "/api/samples/1", auth=False))
put("http_request_fuzz", "acquisition", http("GET", "/api/samples/1/acquisition.json", auth=False))
put("http_request_fuzz", "label", http("POST", "/api/samples/label", ["Content-Type: application/json"],
    json.dumps({"ids": [1, 2], "label": "wave"})))
put("http_request_fuzz", "move", http("POST", "/api/samples/move", [], json.dumps({"ids": [1], "category": "testing"})))
put("http_request_fuzz", "rename", http("POST", "/api/samples/1/rename", [], json.dumps({"name": "first"})))
put("http_request_fuzz", "crop", http("POST", "/api/samples/1/crop", [], json.dumps({"start_ms": 0, "end_ms": 10})))
put("http_request_fuzz", "split", http("POST", "/api/samples/split", [], "{}"))
put("http_request_fuzz", "delete", http("DELETE", "/api/samples/2"))
put("http_request_fuzz", "impulse_get", http("GET", "/api/impulse", auth=False))
put("http_request_fuzz", "impulse_put", http("PUT", "/api/impulse", ["Content-Type: application/json"], json.dumps({
    "input": {"type": "time-series", "window_ms": 100, "stride_ms": 50, "frequency_hz": 100},
    "dsp": [{"name": "f", "type": "flatten", "axes": ["x"]}], "learn": [{"type": "classifier", "dsp": ["f"]}]})))
put("http_request_fuzz", "features", http("GET", "/api/features", auth=False))
put("http_request_fuzz", "labels_batch", http("POST", "/api/samples/labels", ["Content-Type: application/json"],
    json.dumps({"labels": [{"id": 1, "label": "wave"}, {"id": 2, "label": "idle"}]})))
put("http_request_fuzz", "suggest_labels", http("GET", "/api/samples/suggest-labels?method=cluster", auth=False))
put("http_request_fuzz", "version_save", http("POST", "/api/versions", ["Content-Type: application/json"], json.dumps({"name": "v-1.0"})))
put("http_request_fuzz", "versions", http("GET", "/api/versions", auth=False))
put("http_request_fuzz", "version_compare", http("GET", "/api/versions/compare?a=v-1.0&b=v2", auth=False))
put("http_request_fuzz", "version_restore", http("POST", "/api/versions/v-1.0/restore"))
put("http_request_fuzz", "version_delete", http("DELETE", "/api/versions/v-1.0"))
put("http_request_fuzz", "boards", http("GET", "/api/boards", auth=False))
put("http_request_fuzz", "profile_board", http("GET", "/api/profile?board=nano33ble", auth=False))
put("http_request_fuzz", "studio_link", http("GET", "/?token=fuzz-session", auth=False))
put("http_request_fuzz", "static_escape", http("GET", "/../../etc/passwd", auth=False))
put("http_request_fuzz", "cors_preflight", http("OPTIONS", "/api/training/data", ["Origin: http://elsewhere.example",
    "Access-Control-Request-Method: POST"], auth=False))
put("http_request_fuzz", "chunked", http("POST", "/api/training/data", ["Transfer-Encoding: chunked"], "5\r\nhello\r\n0\r\n\r\n"))
put("http_request_fuzz", "cookie", http("POST", "/api/samples/split", ["Cookie: a=b; mote_session=fuzz-session",
    "Origin: http://127.0.0.1:4446"], "{}", auth=False))
