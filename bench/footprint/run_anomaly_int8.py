#!/usr/bin/python3
"""What the device's int8 k-means centres cost in detection: window ROC AUC of unknown vs known testing windows,
scored with the float centres (numpy, double) and with the int8 centres on one grid (numpy emulation of
runtime/anomaly/kmeans.cpp), for 16 and 8 clusters; and, at the trained threshold, the share of unknown windows
detected and of known windows flagged (int8). Cases: the demo (its 'anomaly' recordings) and ei-gestures
with one gesture left out of training (its testing samples are then the unknowns). Writes
bench/results/anomaly_int8.json."""
import glob, json, os, sqlite3, subprocess, sys, tempfile
import numpy as np

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
mote = os.environ.get("MOTE", os.path.join(root, "build", "mote"))
gestures = os.path.join(root, "..", "shared", "datasets", "ei-gestures")


def run(*args):
    r = subprocess.run([mote, *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"mote {' '.join(args)} failed: {r.stderr.strip()}")
    return r.stdout


def auc(pos, neg):
    pos, neg = np.asarray(pos)[:, None], np.asarray(neg)[None, :]
    return float(((pos > neg).sum() + 0.5 * (pos == neg).sum()) / (pos.size * neg.size))


def scores(model, x):
    sel = np.asarray(model["select"])
    z = (x[:, sel].astype(np.float64) - np.asarray(model["mean"], np.float64)) * np.asarray(model["inv_scale"], np.float64)
    c = np.asarray(model["centers"], np.float64).reshape(model["k"], -1)
    inv_r = np.asarray(model["inv_radius"], np.float64)
    d = np.sqrt(((z[:, None, :] - c[None]) ** 2).sum(-1))
    f = d[np.arange(len(z)), d.argmin(1)] * inv_r[d.argmin(1)]
    step = np.abs(c).max() / 127 if np.abs(c).max() > 0 else 1.0
    cq = np.clip(np.sign(c) * np.floor(np.abs(c) / step + 0.5), -127, 127) * step  # lround: half away from zero
    dq = np.sqrt(((z[:, None, :] - cq[None]) ** 2).sum(-1))
    q = dq[np.arange(len(z)), dq.argmin(1)] * inv_r[dq.argmin(1)]
    return f, q


def evaluate(proj, known):
    db = sqlite3.connect(os.path.join(proj, "mote.db"))
    text, fhash = db.execute("SELECT model, features_hash FROM models WHERE type = 'kmeans' ORDER BY id DESC LIMIT 1").fetchone()
    model = json.loads(text)
    rows = db.execute("SELECT s.label, f.width, f.data FROM samples s JOIN features f ON f.sample_hash = s.hash "
                      "WHERE s.category = 'testing' AND f.impulse_hash = ?", (fhash,)).fetchall()
    out = {"float": ([], []), "int8": ([], [])}
    for label, width, blob in rows:
        x = np.frombuffer(blob, np.float32).reshape(-1, width)
        f, q = scores(model, x)
        unknown = label not in known
        out["float"][0 if unknown else 1].extend(f)
        out["int8"][0 if unknown else 1].extend(q)
    pos, neg = np.asarray(out["int8"][0]), np.asarray(out["int8"][1])
    return {k: auc(*v) for k, v in out.items()} | {"unknown_windows": len(pos), "known_windows": len(neg),
                                                   "int8_detected": float((pos > model["threshold"]).mean()),
                                                   "int8_false_positives": float((neg > model["threshold"]).mean())}


def set_clusters(proj, k, tmp):
    spec = json.loads(run("-C", proj, "impulse", "show", "--json"))["impulse"]
    for b in spec["learn"]:
        if b["type"] == "kmeans":
            b["params"] = {"clusters": k}
    path = os.path.join(tmp, "spec.json")
    json.dump(spec, open(path, "w"))
    run("-C", proj, "impulse", "set", path)
    run("-C", proj, "train", "--json")
    run("-C", proj, "features", "--json")  # the testing windows' features, cached in mote.db


results = []
with tempfile.TemporaryDirectory() as tmp:
    for k in (16, 8):
        demo = os.path.join(tmp, f"demo{k}")
        run("demo", demo, "--no-serve", "--no-profile", "--json")
        set_clusters(demo, k, tmp)
        results.append({"case": "demo ('anomaly' recordings unknown)", "clusters": k,
                        **evaluate(demo, {"circle", "idle", "updown", "wave"})})
        if not os.path.isdir(gestures):
            continue
        labels = ("circle", "flick", "idle", "updown")
        for out in ("flick", "circle"):
            proj = os.path.join(tmp, f"g{k}{out}")
            run("init", proj)
            files = [f for f in glob.glob(os.path.join(gestures, "training", "*.json")) if not os.path.basename(f).startswith(out + ".")]
            run("-C", proj, "import", *files, "--category", "training")
            run("-C", proj, "import", os.path.join(gestures, "testing"), "--category", "testing")
            set_clusters(proj, k, tmp)
            results.append({"case": f"ei-gestures ('{out}' left out of training)", "clusters": k,
                            **evaluate(proj, set(labels) - {out})})

json.dump({"benchmark": "anomaly_int8", "metric": "window ROC AUC, unknown vs known testing windows", "results": results},
          open(os.path.join(root, "bench", "results", "anomaly_int8.json"), "w"), indent=2)
print(f"{'case':44} {'clusters':>8} {'AUC float':>10} {'AUC int8':>9} {'detected':>9} {'false pos':>9} {'unknown/known windows':>22}")
for r in results:
    print(f"{r['case']:44} {r['clusters']:8d} {r['float']:10.4f} {r['int8']:9.4f} {r['int8_detected']:9.3f} "
          f"{r['int8_false_positives']:9.3f} {r['unknown_windows']:>10d}/{r['known_windows']}")
