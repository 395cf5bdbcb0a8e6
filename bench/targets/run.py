#!/usr/bin/python3
"""Every device target (targets/targets.def) under QEMU: `mote profile --target T` of the demo's accelerometer
impulse and, when ../shared/datasets is present, the ei-gestures impulse and the FSDD spoken-digit model
(examples/fsdd) -> per target and impulse: RAM, flash (the impulse's own cost: firmware minus the same
firmware around an empty impulse), instructions per window (DSP / NN / anomaly), NN instructions per MAC,
host/device parity on 8 testing windows. Then the four MLPerf Tiny models alone (../shared/peers/mlperf-tiny,
2 random inputs): whether each fits the target, its cost per MAC and parity. The peer is the Cortex-M4 row (the core the runtime is tuned for)
and issue 17's goals. Writes bench/results/targets.json and prints a table.
Usage: bench/targets/run.py [--targets a,b] [--quick] [--no-mlperf] (--quick: the demo impulse only; --no-mlperf keeps
the last run's MLPerf rows)."""
import argparse, json, os, subprocess, sys, tempfile

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
mote = os.environ.get("MOTE", os.path.join(root, "build", "mote"))
datasets = os.path.join(root, "..", "shared", "datasets")
mlperf = os.path.join(root, "..", "shared", "peers", "mlperf-tiny")
MLPERF = {"kws": "kws_ref_model.tflite", "vww": "vww_96_int8.tflite", "ic": "ic_resnet8_int8.tflite", "ad": "ad01_int8.tflite"}
ALL = ["cortex-m0", "cortex-m3", "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55", "riscv32", "riscv32f"]
# issue 17: NN instructions per MAC, and the demo impulse's own RAM / flash on every target
GOALS = {"nn_instructions_per_mac": {"cortex-m0": 3.0, "riscv32": 3.0, "riscv32f": 3.0, "cortex-m4": 1.5, "cortex-m7": 1.5,
                                     "cortex-m33": 1.5, "cortex-m55": 0.6},
         "demo_ram_bytes": 4000, "demo_flash_bytes": {"arm": 14000, "riscv": 16000}}


def run(*args, check=True):
    r = subprocess.run([mote, *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        sys.exit(f"mote {' '.join(args)} failed: {r.stderr.strip()}")
    return r


def failure(r):
    """The line that says why a build or run failed (a memory region that overflowed, else the last line)."""
    lines = r.stderr.strip().splitlines() or ["failed"]
    why = [l.split("ld: ")[-1] for l in lines if "overflowed by" in l]
    return "; ".join(why)[:300] if why else lines[-1][:300]


def profile(proj, target):
    r = run("-C", proj, "profile", "--target", target, "--json", check=False)
    if r.returncode != 0 and not r.stdout.strip().startswith("{"):
        return {"error": failure(r)}
    return json.loads(r.stdout)


def profile_model(name, target, work):
    """An MLPerf Tiny model alone on the target (2 random inputs): does it fit, its cost, parity."""
    r = run("profile", os.path.join(mlperf, MLPERF[name]), "--target", target, "--random", "2", "--work",
            os.path.join(work, f"{name}-{target}"), "--json", check=False)
    if r.returncode != 0 and not r.stdout.strip().startswith("{"):
        return {"model": name, "target": target, "fits": False, "error": failure(r)}
    p = json.loads(r.stdout)
    return {"model": name, "target": target, "fits": True, "ram_bytes": p["ram"]["total_bytes"],
            "flash_bytes": p["flash"]["total_bytes"], "macs": p["macs"], "instructions": p["instructions"]["mean"],
            "instructions_per_mac": p["instructions_per_mac"], "parity_ok": p["parity"]["ok"],
            "outputs_equal": p["parity"]["outputs_equal"], "inputs": p["parity"]["inputs"]}


def row(impulse, target, p):
    if "error" in p:
        return {"impulse": impulse, "target": target, "error": p["error"]}
    nn = p.get("nn") or {}
    return {"impulse": impulse, "target": target, "board": p["board"],
            "ram_bytes": p["impulse"]["ram_bytes"], "flash_bytes": p["impulse"]["flash_bytes"],
            "firmware_ram_bytes": p["firmware"]["ram_bytes"], "firmware_flash_bytes": p["firmware"]["flash_bytes"],
            "instructions": p["instructions"], "nn_macs": nn.get("macs"),
            "nn_invoke_instructions": nn.get("invoke_instructions"),
            "nn_instructions_per_mac": nn.get("instructions_per_mac"),
            "parity_ok": p["parity"]["ok"], "parity_windows": p["parity"]["windows"],
            "features_bit_exact_windows": p["parity"]["features_bit_exact_windows"],
            "int8_equal_windows": p["parity"]["int8_equal_windows"],
            "anomaly_equal_windows": p["parity"]["anomaly_equal_windows"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--targets", default=",".join(ALL))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-mlperf", action="store_true", help="skip the MLPerf Tiny models")
    ap.add_argument("--mlperf-only", action="store_true", help="only the MLPerf Tiny models; keep the impulses' rows")
    a = ap.parse_args()
    targets = a.targets.split(",")
    rows, models = [], []
    with tempfile.TemporaryDirectory() as tmp:
        projects = []
        results = os.path.join(root, "bench", "results", "targets.json")
        if a.mlperf_only and os.path.exists(results):
            with open(results) as f:
                rows = json.load(f)["results"]
        if a.no_mlperf and os.path.exists(results):  # keep the last run's MLPerf rows
            with open(results) as f:
                models = json.load(f).get("mlperf", [])
        demo = os.path.join(tmp, "demo")
        if not a.mlperf_only:
            run("demo", demo, "--no-serve", "--no-profile", "--json")
            projects.append(("demo", demo))
        gestures = os.path.join(datasets, "ei-gestures")
        if a.mlperf_only:
            pass
        elif not a.quick and os.path.isdir(gestures):
            proj = os.path.join(tmp, "gestures")
            run("init", proj)
            run("-C", proj, "import", gestures)
            run("-C", proj, "train", "--json")
            projects.append(("ei-gestures", proj))
        elif not a.quick:
            print("skipping ei-gestures: ../shared/datasets/ei-gestures is not here")
        fsdd = os.path.join(datasets, "fsdd", "recordings")
        if a.mlperf_only:
            pass
        elif not a.quick and os.path.isdir(fsdd):
            proj = os.path.join(tmp, "fsdd")
            run("init", proj)
            run("-C", proj, "import", fsdd, "--label-pattern", r"^(\d)_", "--test-pattern", r"^\d_[a-z]+_[0-4]\.wav$")
            run("-C", proj, "impulse", "set", os.path.join(root, "examples", "fsdd", "impulse.json"))
            run("-C", proj, "train", "--json")
            projects.append(("fsdd", proj))
        elif not a.quick:
            print("skipping fsdd: ../shared/datasets/fsdd is not here")
        for name, proj in projects:
            for t in targets:
                rows.append(row(name, t, profile(proj, t)))
                r = rows[-1]
                print(f"  {name} on {t}: " + (r["error"] if "error" in r else "parity " + ("ok" if r["parity_ok"] else "FAILED")),
                      flush=True)
        if not a.quick and not a.no_mlperf and os.path.isdir(mlperf):
            for name in MLPERF:
                for t in targets:
                    models.append(profile_model(name, t, tmp))
                    m = models[-1]
                    print(f"  mlperf {name} on {t}: " + (m["error"] if not m["fits"] else
                          f"{m['instructions_per_mac']:.2f} instructions/MAC, parity {'ok' if m['parity_ok'] else 'FAILED'}"),
                          flush=True)
        elif not a.quick and not a.no_mlperf:
            print("skipping the MLPerf Tiny models: ../shared/peers/mlperf-tiny is not here")
    out = {"benchmark": "targets", "harness": "mote profile --target T (QEMU -icount shift=0; 8 testing windows)",
           "peer": "cortex-m4 (the runtime's tuned core) and issue 17's goals", "goals": GOALS, "results": rows,
           "mlperf": models}
    os.makedirs(os.path.join(root, "bench", "results"), exist_ok=True)
    with open(os.path.join(root, "bench", "results", "targets.json"), "w") as f:
        json.dump(out, f, indent=2)
    print(f"{'impulse':12} {'target':11} {'RAM B':>6} {'flash B':>8} {'DSP':>9} {'NN':>8} {'anomaly':>8} {'NN/MAC':>7} "
          f"{'vs M4':>6} parity")
    m4 = {r["impulse"]: r for r in rows if r["target"] == "cortex-m4" and "error" not in r}
    for r in rows:
        if "error" in r:
            print(f"{r['impulse']:12} {r['target']:11} {r['error']}")
            continue
        i = r["instructions"]
        per_mac = r["nn_instructions_per_mac"] or 0
        base = m4.get(r["impulse"])
        ratio = f"{i['total'] / base['instructions']['total']:.1f}x" if base else "-"
        print(f"{r['impulse']:12} {r['target']:11} {r['ram_bytes']:6d} {r['flash_bytes']:8d} {int(i['dsp']):9d} "
              f"{int(i['nn']):8d} {int(i['anomaly']):8d} {per_mac:7.2f} {ratio:>6} "
              f"{'ok' if r['parity_ok'] else 'FAILED'} ({r['int8_equal_windows']}/{r['parity_windows']})")
    for m in models:
        print(f"mlperf {m['model']:5} {m['target']:11} " + (f"does not fit: {m['error']}" if not m["fits"] else
              f"RAM {m['ram_bytes']} flash {m['flash_bytes']} {m['instructions']:.0f} instructions = "
              f"{m['instructions_per_mac']:.2f}/MAC, parity {'ok' if m['parity_ok'] else 'FAILED'}"))


if __name__ == "__main__":
    main()
