#!/usr/bin/python3
"""Import throughput: `mote import` vs a plain Python importer (numpy/scipy + sqlite3) on the same files.

Sets: the spoken-digit WAVs in ../shared/datasets/fsdd (when present), and generated CSV and Edge Impulse
acquisition JSON sets. Writes bench/results/import.json and prints a table (files/s, MB/s, ratio).
Usage: bench/import/run.py [--mote build/mote] [--files N]
"""
import argparse, json, os, shutil, sqlite3, subprocess, sys, tempfile, time
from pathlib import Path

import numpy as np
from scipy.io import wavfile

ROOT = Path(__file__).resolve().parents[2]


def make_csv_set(folder, n, rows, rng):
    folder.mkdir(parents=True)
    for i in range(n):
        t = np.arange(rows) * 16.0
        v = rng.normal(0, 3, size=(rows, 3)).astype(np.float32)
        lines = ["timestamp,accX,accY,accZ"] + [f"{t[r]:.0f},{v[r,0]:.6g},{v[r,1]:.6g},{v[r,2]:.6g}" for r in range(rows)]
        (folder / f"wave.{i}.csv").write_text("\n".join(lines) + "\n")


def make_json_set(folder, n, rows, rng):
    folder.mkdir(parents=True)
    for i in range(n):
        v = rng.normal(0, 3, size=(rows, 3)).astype(np.float32)
        doc = {"protected": {"ver": "v1", "alg": "none", "iat": 0}, "signature": "0" * 64,
               "payload": {"device_name": "bench", "device_type": "BENCH", "interval_ms": 16,
                           "sensors": [{"name": n_, "units": "m/s2"} for n_ in ("accX", "accY", "accZ")],
                           "values": [[float(x) for x in row] for row in v]}}
        (folder / f"wave.{i}.json").write_text(json.dumps(doc))


def peer_import(files, kind, db_path):
    """What a user would write without mote: parse each file, store float32 blobs in SQLite, one transaction."""
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE samples(id INTEGER PRIMARY KEY, name TEXT, label TEXT, data BLOB)")
    with db:
        for f in files:
            if kind == "wav":
                rate, a = wavfile.read(f)
                a = a.astype(np.float32) / 32768.0 if a.dtype == np.int16 else a.astype(np.float32)
            elif kind == "csv":
                a = np.loadtxt(f, delimiter=",", skiprows=1, dtype=np.float32)[:, 1:]
            else:
                a = np.asarray(json.loads(Path(f).read_text())["payload"]["values"], dtype=np.float32)
            db.execute("INSERT INTO samples(name, label, data) VALUES(?,?,?)", (f.stem, f.name.split(".")[0], a.tobytes()))
    db.close()


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mote", default=str(ROOT / "build" / "mote"))
    ap.add_argument("--files", type=int, default=1000)
    args = ap.parse_args()
    rng = np.random.default_rng(7)
    tmp = Path(tempfile.mkdtemp(prefix="mote-bench-import-"))
    sets = []
    fsdd = ROOT.parent / "shared" / "datasets" / "fsdd"
    if fsdd.exists():
        sets.append(("fsdd-wav", fsdd / "recordings", "wav", ["--label-pattern", r"^(\d)_"]))
    else:
        print("fsdd not present (../shared/datasets/fsdd): skipping the WAV set", file=sys.stderr)
    make_csv_set(tmp / "csv", args.files, 1000, rng)
    sets.append(("generated-csv", tmp / "csv", "csv", []))
    make_json_set(tmp / "json", args.files, 1000, rng)
    sets.append(("generated-json", tmp / "json", "json", []))

    results = []
    for name, folder, kind, extra in sets:
        files = sorted(p for p in folder.rglob("*") if p.suffix == "." + kind)
        size = sum(p.stat().st_size for p in files)
        proj = tmp / f"proj-{name}"
        subprocess.run([args.mote, "init", str(proj)], check=True, stdout=subprocess.DEVNULL)
        mote_s = timed(lambda: subprocess.run([args.mote, "-C", str(proj), "import", str(folder), "--json", *extra],
                                              check=True, stdout=subprocess.DEVNULL))
        peer_s = timed(lambda: peer_import(files, kind, str(tmp / f"peer-{name}.db")))
        results.append({"set": name, "files": len(files), "megabytes": size / 1e6,
                        "mote_s": mote_s, "mote_files_per_s": len(files) / mote_s, "mote_mb_per_s": size / 1e6 / mote_s,
                        "peer_s": peer_s, "peer_files_per_s": len(files) / peer_s, "speedup_vs_peer": peer_s / mote_s})
    shutil.rmtree(tmp)

    out = {"benchmark": "import", "peer": "python3 numpy/scipy/json/sqlite3, one transaction",
           "cores": os.cpu_count(), "results": results}
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "import.json").write_text(json.dumps(out, indent=2) + "\n")
    print(f"{'set':16} {'files':>6} {'MB':>7} {'mote files/s':>13} {'mote MB/s':>10} {'peer files/s':>13} {'mote/peer':>10}")
    for r in results:
        print(f"{r['set']:16} {r['files']:6d} {r['megabytes']:7.1f} {r['mote_files_per_s']:13.0f} {r['mote_mb_per_s']:10.1f} "
              f"{r['peer_files_per_s']:13.0f} {r['speedup_vs_peer']:9.1f}x")


if __name__ == "__main__":
    main()
