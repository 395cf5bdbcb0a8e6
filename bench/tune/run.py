#!/usr/bin/python3
"""The tuner on real datasets: the suggested impulse beside the tuner's pick, both int8 on the untouched testing set.

For each dataset: a fresh project, imported as its example does; the suggested impulse (what a new user gets)
trained and tested; then `mote tune` with defaults except the dataset's group key and --time; the best candidate
that fits (measured on QEMU) applied, trained and tested. FSDD is also scored leave-one-speaker-out
(examples/fsdd/loso.sh) for both. Datasets missing from ../shared/datasets are listed as skipped.
Writes bench/results/tune.json and prints a table beside the issue's goals (benchmark goals, not tests).
Usage: bench/tune/run.py [--mote build/mote] [--time 30m] [--only gestures,fsdd,hapt,wand,cwru,cwru-anomaly,shapes] [--seed 1]
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATASETS = Path(os.environ.get("MOTE_DATASETS_DIR", ROOT.parent / "shared" / "datasets"))

# name, dataset folder, import arguments (paths relative to the dataset), --group-by, goal, what is tested
CWRU_CUT = ["--frequency-hz", "48000", "--segment-ms", "100"]
DATASET_RUNS = [
    ("gestures", "ei-gestures", [["."]], "", 0.98, "ei-gestures testing split (24 recordings)"),
    ("fsdd", "fsdd", [["recordings", "--label-pattern", r"^(\d)_", "--test-pattern", r"^\d_[a-z]+_[0-4]\.wav$"]],
     r"^\d_([a-z]+)_", 0.90, "leave-one-speaker-out mean (examples/fsdd/loso.sh); also the official split"),
    ("hapt", "uci-hapt-raw", [[".", "--test-pattern", r"_user(02|04|09|10|12|13|18|20|24)\."]], r"_user(\d+)\.", 0.93,
     "UCI HAPT segments of the 9 UCI HAR test volunteers"),
    ("wand", "wand-gestures", [["data", "--frequency-hz", "119", "--segment-ms", "1000", "--label-pattern", r"^(\w+)\.csv$",
                                "--category", "split"]], "", 0.96, "wand gestures, 20 % held out"),
    ("cwru", "cwru-bearing-48k", [["."] + ["--label-pattern", r"^([A-Za-z]+\d*)_"] + CWRU_CUT + ["--test-pattern", r"\.[0-9]$"]],
     "", 1.0, "CWRU faults: the first second of every recording"),
    # Anomaly detection: the tuner ranks by ROC AUC on the testing set's unseen labels (the 0.007" faults), so
    # the figures are measured afterwards on fault sizes it never saw (0.014" and 0.021": REPORT_SWAP).
    ("cwru-anomaly", "cwru-bearing-48k", [["Normal_0.mat", "--label", "normal"] + CWRU_CUT + ["--test-pattern", r"\.[0-9]$"],
                                          ["B007_0.mat", "--label", "B007", "--category", "testing"] + CWRU_CUT,
                                          ["IR007_0.mat", "--label", "IR007", "--category", "testing"] + CWRU_CUT],
     "", 1.0, "CWRU anomaly: normal bearing trained; ROC AUC on 0.014/0.021-inch ball and inner-race faults"),
]
# Gait anomaly (a set made from HAPT, not CWRU): one volunteer group's level walking is normal; the search
# ranks by ROC AUC on the testing volunteers' walking upstairs, the figures are on walking downstairs (PRUNE).
DATASET_RUNS.append(("hapt-gait", "uci-hapt-raw", [[".", "--test-pattern", r"_user(02|04|09|10|12|13|18|20|24)\."]], r"_user(\d+)\.", None,
                     "gait anomaly: level walking of 21 volunteers trained; ROC AUC on the 9 testing volunteers' walking downstairs"))
# Dataset -> labels kept per category after importing: during the search, then (imports rerun) for the figures.
PRUNE = {"hapt-gait": ({"training": ["WALKING"], "testing": ["WALKING", "WALKING_UPSTAIRS"]},
                       {"training": ["WALKING"], "testing": ["WALKING", "WALKING_DOWNSTAIRS"]})}
# Generated here (bench/tune/make_shapes.py): no image set ships in ../shared/datasets.
GENERATED = {"shapes": [["training", "--label-pattern", r"^([a-z]+)\."], ["testing", "--label-pattern", r"^([a-z]+)\.", "--category", "testing"]]}
DATASET_RUNS.append(("shapes", None, GENERATED["shapes"], "", None, "shapes (48x48 RGB, 4 classes, 250 training and 50 testing images each; bench/tune/make_shapes.py)"))

# Dataset -> (labels removed from testing after the search, imports added for the figures)
REPORT_SWAP = {"cwru-anomaly": (["B007", "IR007"], [[f, "--label", f.split("_")[0], "--category", "testing"] + CWRU_CUT
                                                    for f in ["B014_0.mat", "B021_0.mat", "IR014_0.mat", "IR021_0.mat"]])}


def mote(args, *cmd, capture=True):
    r = subprocess.run([args.mote, *cmd], capture_output=capture, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"mote {' '.join(cmd)}: {r.stderr.strip()[-400:]}")
    return r.stdout


def classifier_accuracy(args, project):
    """The classifier's accuracy (float, int8) on the testing samples; for an anomaly-only impulse, ROC AUC."""
    report = json.loads(mote(args, "-C", str(project), "test", "--int8", "--json"))
    for b in report["blocks"]:
        if b["type"] == "classifier":
            return {"float": b["accuracy"], "int8": (b.get("int8") or {}).get("accuracy"), "samples": b["samples"]}
    for b in report["blocks"]:
        if b["type"] in ("kmeans", "gmm"):
            return {"int8": b.get("roc_auc"), "roc_auc": b.get("roc_auc"), "detection_rate": b.get("detection_rate"),
                    "false_positive_rate": b.get("false_positive_rate"), "window_roc_auc": b.get("window_roc_auc")}
    return {}


def prune(args, project, keep, old=None):
    """Removes every sample whose label is not kept in its category; with `old` (the ids before a re-import),
    the re-imported copies of samples kept before are removed too."""
    listed = json.loads(mote(args, "-C", str(project), "samples", "--json"))
    samples = listed["samples"] if isinstance(listed, dict) else listed
    before = {(x["category"], x["label"]) for x in samples if old is None or x["id"] in old}
    ids = [str(x["id"]) for x in samples if x["label"] not in keep[x["category"]] or
           (old is not None and x["id"] not in old and (x["category"], x["label"]) in before)]
    for i in range(0, len(ids), 500):
        mote(args, "-C", str(project), "samples", "remove", *ids[i:i + 500])


def loso(args, impulse):
    env = dict(os.environ, MOTE=args.mote)
    out = subprocess.run([str(ROOT / "examples" / "fsdd" / "loso.sh"), str(impulse)], check=True, capture_output=True,
                         text=True, env=env).stdout
    per = {m.group(1): float(m.group(2)) / 100 for m in re.finditer(r"^(\w+)\s+([\d.]+) %$", out, re.M)}
    mean = per.pop("mean", None)
    return {"mean": mean, "speakers": per}


def pct(v):
    return "-" if v is None else f"{100 * v:.1f} %"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mote", default=str(ROOT / "build" / "mote"))
    ap.add_argument("--time", default="30m")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--only", default="")
    ap.add_argument("--keep", default="", help="keep the projects in this folder")
    args = ap.parse_args()
    # A copy of the binary: rebuilding build/ during a long run must not change the workers under it.
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="mote-bench-tune-"))
    work.mkdir(parents=True, exist_ok=True)
    shutil.copy(args.mote, work / "mote")
    args.mote = str(work / "mote")
    only = set(filter(None, args.only.split(",")))
    results_path = ROOT / "bench" / "results" / "tune.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {"datasets": {}}
    results["budget"] = {"target": "cortex-m4", "ram": "64k", "flash": "256k", "latency_ms": 100, "clock_mhz": 80,
                         "time": args.time, "seed": args.seed, "cores": os.cpu_count()}
    for name, folder, imports, group_by, goal, evaluation in DATASET_RUNS:
        if only and name not in only:
            continue
        entry = {"dataset": folder or "generated", "evaluation": evaluation, "goal": goal, "group_by": group_by, "time": args.time}
        if folder is None:  # generated: made in the work folder, seeded
            subprocess.run([str(ROOT / "bench" / "tune" / f"make_{name}.py"), str(work / name / "data")], check=True)
            base = work / name / "data"
        else:
            base = DATASETS / folder
        if not base.is_dir():
            entry["skipped"] = f"{base} not found"
            print(f"tune: {name}: skipped ({entry['skipped']})", flush=True)
            results["datasets"][name] = entry
            continue
        project = work / name / "project" if folder is None else work / name
        shutil.rmtree(project, ignore_errors=True)
        mote(args, "init", str(project))
        for imp in imports:
            mote(args, "-C", str(project), "import", str(base / imp[0]), *imp[1:])
        if name in PRUNE:
            prune(args, project, PRUNE[name][0])
        suggested = json.loads(mote(args, "-C", str(project), "impulse", "show", "--json"))["impulse"]
        (work / f"{name}-suggested.json").write_text(json.dumps(suggested))
        print(f"tune: {name}: mote tune --time {args.time}" + (f" --group-by '{group_by}'" if group_by else ""), flush=True)
        t0 = time.monotonic()
        cmd = ["-C", str(project), "tune", "--time", args.time, "--seed", args.seed, "--json"] + (["--group-by", group_by] if group_by else [])
        shown = json.loads(mote(args, *cmd))
        entry["tune_seconds"] = round(time.monotonic() - t0)
        entry["candidates"] = len(shown["candidates"])
        entry["evaluations"] = shown["summary"]["evaluations"]
        entry["estimator_max_error"] = shown["summary"]["estimator_max_error"]
        pick = next((c for c in shown["candidates"] if c.get("fits")), None)
        reference = next((c for c in shown["candidates"] if c["index"] == 0 and "profile" in c), None)  # the suggestion, measured
        if pick is None:
            entry["error"] = "no candidate fits the budget"
            results["datasets"][name] = entry
            continue
        (work / f"{name}-pick.json").write_text(json.dumps(pick["impulse"]))
        if name in REPORT_SWAP:  # the testing samples the search ranked by leave; unseen ones come in
            gone, added = REPORT_SWAP[name]
            for label in gone:
                listed = json.loads(mote(args, "-C", str(project), "samples", "--label", label, "--category", "testing", "--json"))
                ids = [str(x["id"]) for x in (listed["samples"] if isinstance(listed, dict) else listed)]
                mote(args, "-C", str(project), "samples", "remove", *ids)
            for imp in added:
                mote(args, "-C", str(project), "import", str(base / imp[0]), *imp[1:])
        if name in PRUNE:  # imported again; only the samples of labels the search did not see are kept
            listed = json.loads(mote(args, "-C", str(project), "samples", "--json"))
            old = {x["id"] for x in (listed["samples"] if isinstance(listed, dict) else listed)}
            for imp in imports:
                mote(args, "-C", str(project), "import", str(base / imp[0]), *imp[1:], "--allow-duplicates")
            prune(args, project, PRUNE[name][1], old)
        mote(args, "-C", str(project), "tune", "--apply", str(pick["index"]), "--json")
        entry["pick"] = {"index": pick["index"], "description": pick["description"], "validation_score": pick["score"],
                         "ram_bytes": pick["profile"]["ram_bytes"], "flash_bytes": pick["profile"]["flash_bytes"],
                         "instructions": pick["profile"]["instructions"]["total"], "latency_ms": pick["latency_ms"],
                         "impulse": pick["impulse"], "testing": classifier_accuracy(args, project)}
        if name == "fsdd":
            entry["pick"]["loso"] = loso(args, work / f"{name}-pick.json")
        print(f"tune: {name}: the suggested impulse on the same testing set", flush=True)
        mote(args, "-C", str(project), "impulse", "set", str(work / f"{name}-suggested.json"))
        mote(args, "-C", str(project), "train", "--json")
        entry["suggested"] = {"testing": classifier_accuracy(args, project)}
        if reference:
            entry["suggested"].update(ram_bytes=reference["profile"]["ram_bytes"], flash_bytes=reference["profile"]["flash_bytes"],
                                      instructions=reference["profile"]["instructions"]["total"], latency_ms=reference["latency_ms"],
                                      validation_score=reference.get("score"))
        if name == "fsdd":
            entry["suggested"]["loso"] = loso(args, work / f"{name}-suggested.json")
        results["datasets"][name] = entry
        # After every dataset, merged into what is on disk (another run may have written meanwhile): a long
        # run keeps what it measured.
        on_disk = json.loads(results_path.read_text()) if results_path.exists() else {"datasets": {}}
        on_disk["datasets"].update(results["datasets"])
        results["datasets"] = on_disk["datasets"]
        results_path.write_text(json.dumps(results, indent=1) + "\n")
        (work / f"{name}-result.json").write_text(json.dumps(entry, indent=1) + "\n")

    on_disk = json.loads(results_path.read_text()) if results_path.exists() else {"datasets": {}}
    on_disk["datasets"].update(results["datasets"])
    results["datasets"] = on_disk["datasets"]
    results_path.write_text(json.dumps(results, indent=1) + "\n")
    print(f"\n{'dataset':12} {'suggested':>10} {'tuned':>10} {'goal':>7}  {'RAM B':>6} {'flash B':>8} {'ms@80MHz':>9}  pick")
    for name, e in results["datasets"].items():
        if "pick" not in e:
            print(f"{name:12} {e.get('skipped') or e.get('error')}")
            continue
        key = "loso" if name == "fsdd" else "testing"
        s = e["suggested"][key]["mean"] if key == "loso" else e["suggested"][key]["int8"]
        t = e["pick"][key]["mean"] if key == "loso" else e["pick"][key]["int8"]
        p = e["pick"]
        print(f"{name:12} {pct(s):>10} {pct(t):>10} {pct(e.get('goal')):>7}  {p['ram_bytes']:>6} {p['flash_bytes']:>8} "
              f"{p['latency_ms']:>9.2f}  #{p['index']} {p['description']}")
    print(f"results: {results_path}")


if __name__ == "__main__":
    sys.exit(main())
