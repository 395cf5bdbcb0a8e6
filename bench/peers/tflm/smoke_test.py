#!/usr/bin/python3
"""ctest smoke test of the TFLM peer harness: hello_world_int8 under TFLM + CMSIS-NN on QEMU, two runs.

    smoke_test.py [--build DIR]

Checks: the known output (input q=-64, i.e. pi/2, gives q=126 = 1.0032, the peer README's value), the same
outputs and instruction counts on a second run, and plausible figures. Exits 77 (skipped) when the Cortex-M
toolchain, QEMU or the peer is missing. The first run builds libtflm.a (4-8 min on 2 cores).
"""
import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402

MODEL = run.PEER / "example" / "hello_world_int8.tflite"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(run.DEFAULT_BUILD))
    a = ap.parse_args()
    missing = [t for t in ("arm-none-eabi-gcc", "arm-none-eabi-size", "qemu-system-arm") if not shutil.which(t)]
    if missing or not MODEL.exists():
        print("SKIPPED: needs " + (", ".join(missing) or str(MODEL)))
        return 77
    inputs = bytes([(-64) & 0xFF, 0, 64, 127])
    r1 = run.run_tflm(MODEL, inputs, a.build)
    r2 = run.run_tflm(MODEL, inputs, a.build)
    print({k: r1[k] for k in ("outputs", "instructions", "arena_bytes", "static_ram", "stack_peak", "flash",
                              "flash_minus_harness")})
    problems = []
    if r1["outputs"][0] != [126]:
        problems.append(f"sin(pi/2): expected q=126, got {r1['outputs'][0]}")
    if (r1["outputs"], r1["instructions"]) != (r2["outputs"], r2["instructions"]):
        problems.append("two runs differ")
    if not all(1000 < n < 20000 for n in r1["instructions"]):
        problems.append(f"implausible instruction counts {r1['instructions']}")
    if not (0 < r1["flash_minus_harness_and_model"] < r1["flash"] and r1["arena_bytes"] > 0 and r1["stack_peak"] > 0):
        problems.append("implausible sizes")
    for p in problems:
        print("FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
