#!/usr/bin/python3
"""The four MLPerf Tiny reference models (../shared/peers/mlperf-tiny) on the emulated Cortex-M4, through mote
(`mote profile MODEL --inputs FILE --json`: the .tflite imported, generated as C++ and run with runtime/nn) and
through TensorFlow Lite Micro + CMSIS-NN (bench/peers/tflm: the same board harness, flags and counter), on the
same random int8 inputs, in one run. Writes bench/results/mlperf.json and prints a table: RAM, flash (minus the
same empty harness; and minus weights), instructions per inference, and output agreement, with the ratios the
issue targets (RAM <= 0.75x, flash <= 0.9x, flash other than weights <= 0.5x, instructions <= 0.85x).

    bench/mlperf/run.py [--inputs 50] [--seed 1] [--models kws,ic,vww,ad] [--build build]
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
PEERS = ROOT.parent / "shared" / "peers"
sys.path.insert(0, str(ROOT / "bench" / "peers" / "tflm"))

MODELS = {  # short name -> file, published fastest Cortex-M4 latency (ms, STM32L4R5 @ 120 MHz; peers README)
    "kws": ("kws_ref_model.tflite", {"X-CUBE-AI 7.3": 75, "Plumerai v1.1": 47.8}),
    "ic": ("ic_resnet8_int8.tflite", {"X-CUBE-AI 7.3": 227, "Plumerai v1.1": 168}),
    "vww": ("vww_96_int8.tflite", {"X-CUBE-AI 7.3": 226, "Plumerai v1.1": 98.8}),
    "ad": ("ad01_int8.tflite", {"X-CUBE-AI 7.3": 7.6, "Plumerai v1.1": 4.05}),
}
TARGETS = {"ram": 0.75, "flash": 0.9, "flash_other": 0.5, "instructions": 0.85}


def mote_profile(mote, model, inputs_file, work):
    r = subprocess.run([str(mote), "profile", str(model), "--inputs", str(inputs_file), "--work", str(work), "--json"],
                       capture_output=True, text=True)
    try:
        return json.loads(r.stdout)
    except json.JSONDecodeError:
        sys.exit(f"mote profile {model} failed (exit {r.returncode}): {r.stderr.strip()[:2000]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inputs", type=int, default=50, help="random int8 inputs per model (default 50)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "mlperf.json"))
    ap.add_argument("--tflm-build", choices=["release", "default"], default="release",
                    help="TFLM's release build (no error strings or asserts: its smallest; the default) or its default one")
    a = ap.parse_args()
    if not (PEERS / "mlperf-tiny").is_dir() or not (PEERS / "tflm").is_dir():
        print(f"skipping: {PEERS}/mlperf-tiny and {PEERS}/tflm are not here")
        return 0
    import run as tflm  # bench/peers/tflm/run.py

    build = Path(a.build)
    mote = build / "mote"
    rows = []
    for name in a.models.split(","):
        file, published = MODELS[name]
        model = PEERS / "mlperf-tiny" / file
        info = tflm.model_info(model.read_bytes())
        size = int(np.prod(info["input_shape"])) if "input_shape" in info else None
        work = build / "mlperf" / name
        work.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(a.seed)
        inputs = rng.integers(-128, 128, size=(a.inputs, size), dtype=np.int8)
        inputs_file = work / "inputs.bin"
        inputs_file.write_bytes(inputs.tobytes())
        t0 = time.time()
        m = mote_profile(mote, model, inputs_file, work / "mote")
        t1 = time.time()
        release = a.tflm_build == "release"
        t = tflm.run_tflm(model, inputs.tobytes(), build_dir=build / "peers" / ("tflm-release" if release else "tflm"),
                          release=release)
        t2 = time.time()
        device = [p["device"] for p in m["per_input"]]
        equal = sum(1 for d, o in zip(device, t["outputs"]) if list(d) == list(o))
        max_diff = max((max(abs(x - y) for x, y in zip(d, o)) for d, o in zip(device, t["outputs"])), default=0)
        weights = m["flash"]["weight_bytes"]
        tflm_instr = float(np.mean(t["instructions"]))
        row = {
            "model": name, "file": file, "inputs": a.inputs, "seed": a.seed, "macs": m["macs"],
            "outputs_equal_tflm": equal, "max_abs_diff_tflm": int(max_diff),
            "mote_host_device_parity": m["parity"]["ok"],
            "mote": {"ram": m["ram"]["total_bytes"], "ram_minus_harness": m["ram"]["minus_harness_bytes"],
                     "arena": m["ram"]["arena_bytes"], "stack": m["ram"]["stack_bytes"],
                     "flash": m["flash"]["minus_harness_bytes"], "flash_total": m["flash"]["total_bytes"],
                     "flash_other": m["flash"]["minus_harness_and_weights_bytes"],
                     "instructions": m["instructions"]["mean"], "instructions_per_mac": m["instructions_per_mac"],
                     "seconds": round(t1 - t0, 1)},
            "tflm": {"ram": t["ram"], "arena": t["arena_bytes"], "stack": t["stack_peak"], "static": t["static_ram"],
                     "flash": t["flash_minus_harness"], "flash_total": t["flash"],
                     "flash_other": t["flash_minus_harness"] - weights, "instructions": tflm_instr,
                     "instructions_per_mac": tflm_instr / m["macs"], "seconds": round(t2 - t1, 1)},
            "weight_bytes": weights,
            "published_m4_ms": published,
        }
        for k in ("ram", "flash", "flash_other", "instructions"):
            row.setdefault("ratio", {})[k] = row["mote"][k] / row["tflm"][k] if row["tflm"][k] else None
        # mote's latency at 120 MHz if one instruction were one cycle (QEMU counts instructions, not cycles).
        row["mote_ms_at_120mhz_1ipc"] = row["mote"]["instructions"] / 120e3
        row["tflm_ms_at_120mhz_1ipc"] = tflm_instr / 120e3
        rows.append(row)
        print(f"{name}: mote {row['mote']['instructions']:.0f} instr, TFLM {tflm_instr:.0f}; outputs equal {equal}/{a.inputs}",
              flush=True)

    print()
    print(f"{'model':6} {'RAM mote/TFLM':>22} {'flash mote/TFLM':>24} {'non-weight flash':>22} "
          f"{'instructions mote/TFLM':>30} {'equal':>7}")
    for r in rows:
        q = r["ratio"]
        print(f"{r['model']:6} {r['mote']['ram']:>8} {r['tflm']['ram']:>7} {q['ram']:5.2f} "
              f"{r['mote']['flash']:>8} {r['tflm']['flash']:>8} {q['flash']:5.2f} "
              f"{r['mote']['flash_other']:>7} {r['tflm']['flash_other']:>7} {q['flash_other']:5.2f} "
              f"{r['mote']['instructions']:>11.0f} {r['tflm']['instructions']:>11.0f} {q['instructions']:5.2f} "
              f"{r['outputs_equal_tflm']:>3}/{r['inputs']}")
    print("targets: RAM <= 0.75x, flash <= 0.9x, flash other than weights <= 0.5x, instructions <= 0.85x; outputs equal")
    out = {"bench": "mlperf", "board": "QEMU mps2-an386 (Cortex-M4F), -icount shift=0, SysTick instruction counts",
           "tflm_build": a.tflm_build,
           "targets": TARGETS, "models": rows,
           "notes": "RAM = static (.data+.bss, mote's arena included; TFLM's arena_used instead of its 1 MiB buffer) "
                    "+ painted stack peak, whole firmware with the same board harness; flash = firmware minus the same "
                    "harness around an empty model; flash_other = that minus int8 weights and int32 biases."}
    Path(a.out).write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
