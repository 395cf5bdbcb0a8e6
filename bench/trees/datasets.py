#!/usr/bin/python3
"""The tree blocks beside the network on real datasets, both int8 on the device.

Per dataset: a project imported as examples/<name>/run.sh imports it, the example's impulse with its neural
classifier plus a random_forest and a gradient_boosting block on the same DSP features; `mote train`,
`mote test --int8 --json` (float and int8 accuracy per block, same testing samples); then `mote profile` of the
impulse holding only the network, and only the better tree block (int8 test accuracy) in each device form
(node tables, if-else; retrained with the same seed, so the same trees): RAM, flash, instructions per window,
host/device parity; the form `device_form: auto` keeps (mote's flash estimate) beside the measured smaller.
Writes bench/results/trees_datasets.json and prints a table.
MOTE_BUILD: the build folder holding `mote` (default build/). Datasets: ../shared/datasets (MOTE_DATASETS_DIR).
Usage: datasets.py [--kept] [NAME...]   (gestures, wand, hapt, cwru; default all)
  --kept: only redo which form `auto` keeps (a deploy of the best tree block, retrained with the same seed) for
          datasets already in the results, e.g. after the flash estimate changed.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BUILD = Path(os.environ.get("MOTE_BUILD", ROOT / "build"))
MOTE = BUILD / "mote"
DATA = Path(os.environ.get("MOTE_DATASETS_DIR", ROOT.parent / "shared" / "datasets"))
WORK = BUILD / "bench-trees-datasets"

FOREST = {"name": "forest", "type": "random_forest", "params": {"trees": 30, "max_depth": 8}}
BOOST = {"name": "boosting", "type": "gradient_boosting", "params": {"trees": 30, "max_depth": 3, "learning_rate": 0.2}}

CUT = ["--frequency-hz", "48000", "--segment-ms", "100"]
DATASETS = {
    "gestures": ("ei-gestures", "examples/gestures/impulse.json", [["import", "{data}"]]),
    "wand": ("wand-gestures", "examples/wand/impulse.json",
             [["import", "{data}/data", "--frequency-hz", "119", "--segment-ms", "1000", "--label-pattern", r"^(\w+)\.csv$", "--category", "split"]]),
    "hapt": ("uci-hapt-raw", "examples/hapt/impulse.json",
             [["import", "{data}", "--test-pattern", r"_user(02|04|09|10|12|13|18|20|24)\."]]),
    "cwru": ("cwru-bearing-48k", "examples/cwru/classifier.json",
             [["import", "{data}", "--label-pattern", r"^([A-Za-z]+\d*)_"] + CUT + ["--test-pattern", r"\.[0-9]$"]]),
}


def mote(project, *args, parse=False):
    cmd = [str(MOTE), "-C", str(project)] + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return json.loads(r.stdout) if parse else r.stdout


def set_learn(project, impulse, learn):
    spec = dict(impulse, learn=learn)
    path = project / "impulse-bench.json"
    path.write_text(json.dumps(spec))
    mote(project, "impulse", "set", str(path))


def profile(project):
    p = mote(project, "profile", "--target", "cortex-m4", "--json", parse=True)
    out = {"ram_bytes": p["impulse"]["ram_bytes"], "flash_bytes": p["impulse"]["flash_bytes"],
           "instructions": p["instructions"], "parity_ok": p["parity"]["ok"], "parity_windows": p["parity"]["windows"]}
    if p["nn"] and "trees" in p["nn"]:
        out["trees"] = p["nn"]["trees"]
    return out


def run(name):
    folder, impulse_file, imports = DATASETS[name]
    data = DATA / folder
    if not data.exists():
        print(f"{name}: {data} not found; skipped")
        return None
    project = WORK / name
    impulse = json.loads((ROOT / impulse_file).read_text())
    nn = next(b for b in impulse["learn"] if b["type"] == "classifier")
    dsp = nn["dsp"]
    trees = [dict(FOREST, dsp=dsp), dict(BOOST, dsp=dsp)]
    if not (project / "mote.db").exists():
        subprocess.run(["rm", "-rf", str(project)], check=True)
        subprocess.run([str(MOTE), "init", str(project)], check=True, capture_output=True)
        for args in imports:
            mote(project, *[a.replace("{data}", str(data)) for a in args])
    set_learn(project, impulse, [nn] + trees)
    mote(project, "train", "--json")
    test = mote(project, "test", "--int8", "--json", parse=True)
    blocks = {b["block"]: b for b in test["blocks"]}
    row = {"dataset": name, "testing_samples": test["testing_samples"], "testing_windows": test["testing_windows"]}
    for b in [nn] + trees:
        r = blocks[b["name"]]
        row[b["name"]] = {"type": b["type"], "params": b["params"] if b["type"] != "classifier" else "examples/" + impulse_file.split("/")[1],
                          "accuracy": r["accuracy"], "int8_accuracy": r["int8"]["accuracy"], "int8_window_accuracy": r["int8"]["window_accuracy"],
                          "int8_bytes": r["int8"]["weight_bytes"]}
    best = max(("forest", "boosting"), key=lambda n: (row[n]["int8_accuracy"] or 0))
    row["best_tree"] = best
    set_learn(project, impulse, [nn])
    row["classifier"]["device"] = profile(project)
    tree = next(t for t in trees if t["name"] == best)
    forms = {}
    for form in ("tables", "if-else"):
        set_learn(project, impulse, [dict(tree, params=dict(tree["params"], device_form=form))])
        mote(project, "train", "--json")
        forms[form] = profile(project)
    row[best]["device_forms"] = forms
    row[best]["form_smaller_measured"] = min(forms, key=lambda f: forms[f]["flash_bytes"])
    keep(row, project, impulse, tree)
    set_learn(project, impulse, [nn] + trees)
    return row


def keep(row, project, impulse, tree):
    """The form `device_form: auto` generates for the tree block (its banner), and its measured device row."""
    set_learn(project, impulse, [dict(tree, params=dict(tree["params"], device_form="auto"))])
    mote(project, "train", "--json")
    out = project / "deploy-auto"
    subprocess.run(["rm", "-rf", str(out)], check=True)
    mote(project, "deploy", "--format", "cpp", "-o", str(out))
    kept = "if-else" if " trees, if-else, model " in (out / "impulse" / "mote_model.cpp").read_text().splitlines()[0] else "tables"
    b = row[tree["name"]]
    b["form_kept"] = kept
    b["device"] = b["device_forms"][kept]


def rekeep(row):
    folder, impulse_file, _ = DATASETS[row["dataset"]]
    impulse = json.loads((ROOT / impulse_file).read_text())
    nn = next(b for b in impulse["learn"] if b["type"] == "classifier")
    tree = dict(FOREST if row["best_tree"] == "forest" else BOOST, dsp=nn["dsp"])
    keep(row, WORK / row["dataset"], impulse, tree)
    return row


def main():
    args = sys.argv[1:]
    only_kept = "--kept" in args
    names = [a for a in args if a != "--kept"] or list(DATASETS)
    WORK.mkdir(parents=True, exist_ok=True)
    out_path = ROOT / "bench" / "results" / "trees_datasets.json"
    old = json.loads(out_path.read_text()) if out_path.exists() else {"datasets": []}
    rows = {r["dataset"]: r for r in old.get("datasets", [])}
    for n in names:
        r = rekeep(rows[n]) if only_kept and n in rows else None if only_kept else run(n)
        if r:
            rows[n] = r
            print(json.dumps(r)[:300], flush=True)
        out = {"what": "tree blocks beside the example's network on the same features and split, int8 (host int8 = device, "
                       "parity checked by mote profile on the testing windows)", "forest": FOREST["params"], "boosting": BOOST["params"],
               "datasets": [rows[k] for k in DATASETS if k in rows]}
        out_path.write_text(json.dumps(out, indent=2) + "\n")  # after every dataset: a failure keeps the ones done
    pct = lambda v: "-" if v is None else f"{100 * v:.1f}%"
    print(f"{'dataset':>9} | {'block':>9} {'float':>7} {'int8':>7} {'RAM B':>7} {'flash B':>8} {'instr/window':>12} {'model':>8} {'parity':>6}")
    for r in out["datasets"]:
        for b in ("classifier", "forest", "boosting"):
            devs = [("", r[b]["device"])] if "device" in r[b] and "device_forms" not in r[b] else sorted(r[b].get("device_forms", {}).items())
            if not devs:
                print(f"{r['dataset']:>9} | {b:>9} {pct(r[b]['accuracy']):>7} {pct(r[b]['int8_accuracy']):>7}")
            for form, d in devs:
                tag = f" {form}" + (" (kept)" if form == r[b].get("form_kept") else "")
                print(f"{r['dataset']:>9} | {b:>9} {pct(r[b]['accuracy']):>7} {pct(r[b]['int8_accuracy']):>7} {d['ram_bytes']:>7} "
                      f"{d['flash_bytes']:>8} {d['instructions']['total']:>12.0f} {d['instructions']['nn']:>8.0f} {str(d['parity_ok']):>6}{tag}")


if __name__ == "__main__":
    main()
