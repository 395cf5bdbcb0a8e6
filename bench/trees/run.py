#!/usr/bin/python3
"""mote's tree tables / if-else vs emlearn's generated C on the same trained forests, on QEMU Cortex-M4.

For each forest (params below): a demo project trains it (mote's CART), `mote deploy --format cpp` generates
mote's model (device_form tables, then if-else: the same trees, the seed fixed), bench/peers/emlearn/convert.py
generates emlearn's (loadable node tables, inline if-else). Every variant is linked into the same harness with
mote's firmware flags and run on the same seeded int8 inputs; flash is the firmware's minus the empty
harness's, instructions per inference the counter's per-call mean minus the empty harness's.
Writes bench/results/trees.json and prints a table. MOTE_BUILD: the build folder holding `mote` (default build/).
"""
import json
import os
import random
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "bench" / "peers" / "tflm"))
sys.path.insert(0, str(ROOT / "bench" / "peers" / "emlearn"))
import run as tflm  # noqa: E402  (mote's firmware flags, board support, size accounting)
import convert  # noqa: E402

BUILD = Path(os.environ.get("MOTE_BUILD", ROOT / "build"))
MOTE = BUILD / "mote"
WORK = BUILD / "bench-trees"
N_INPUTS = 200
SHAPES = [
    {"trees": 10, "max_depth": 6},
    {"trees": 30, "max_depth": 8},
    {"trees": 50, "max_depth": 10, "min_samples_leaf": 2},
]
# Hard votes (emlearn's default) and soft votes (mote's default; emlearn's leaf_bits 8) of each shape.
FORESTS = [dict(s, voting=v) for v in ("hard", "soft") for s in SHAPES]


def sh(cmd, cwd=None):
    r = subprocess.run(cmd, shell=True, cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"failed: {cmd}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    return r.stdout


def train(project, params, form):
    j = json.loads((project / "mote.json").read_text())
    j["impulse"]["learn"] = [{"name": "forest", "type": "random_forest", "dsp": ["spectral"],
                              "params": dict(params, device_form=form)}]
    (project / "mote.json").write_text(json.dumps(j, indent=2))
    sh(f"{MOTE} -C {project} train")
    out = project / f"deploy-{form}"
    sh(f"rm -rf {out}")
    sh(f"{MOTE} -C {project} deploy --format cpp -o {out}")
    db = sqlite3.connect(project / "mote.db")
    model = json.loads(db.execute("SELECT model FROM models WHERE block = 'forest' ORDER BY id DESC LIMIT 1").fetchone()[0])
    return model["trees"], out / "impulse"


def build(name, d, sources, inputs_dir):
    """Compiles the harness + sources (C++ with mote's flags, .c as C99 with the same CPU/opt flags), links."""
    objs = []
    inc = f"{tflm.BOARD_INCLUDES} -I{inputs_dir} -I{ROOT / 'runtime'} -I{ROOT / 'runtime' / 'include'} -I{d} -I{convert.PEER / 'emlearn'}"
    srcs = [HERE / "harness.cpp", tflm.BOARD_SOURCES["startup"], tflm.BOARD_SOURCES["board"]] + sources
    for i, s in enumerate(srcs):
        o = d / f"{name}_{i}.o"
        if str(s).endswith(".c"):
            cmd = (f"arm-none-eabi-gcc {tflm.CPU_FLAGS} -std=c99 -O2 -ffunction-sections -fdata-sections -ffp-contract=off"
                   f" {inc} -c {s} -o {o}")
        else:
            cmd = f"arm-none-eabi-g++ {tflm.MOTE_CFLAGS} {inc} -c {s} -o {o}"
        sh(cmd)
        objs.append(str(o))
    elf = d / f"{name}.elf"
    sh(f"arm-none-eabi-gcc {tflm.CPU_FLAGS} {tflm.MOTE_LDFLAGS} -L{tflm.BOARD_COMMON} -T{tflm.BOARD / 'mps2_an386.ld'} {' '.join(objs)} -o {elf} -lc -lgcc")
    return elf


def run_elf(elf):
    out = sh(f"timeout 120 {tflm.QEMU_CMD} {elf} 2>&1")  # semihosting writes to QEMU's stderr
    rows = [l.split() for l in out.splitlines() if l.startswith("p ")]
    return [int(r[2]) for r in rows], [int(r[3]) for r in rows]


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    project = WORK / "demo"
    if not (project / "mote.db").exists():
        sh(f"rm -rf {project}")
        sh(f"{MOTE} demo {project} --no-serve --no-profile")
    results = []
    for params in FORESTS:
        tag = f"t{params['trees']}_d{params['max_depth']}_{params['voting']}"
        d = WORK / tag
        d.mkdir(exist_ok=True)
        model, tables_dir = train(project, params, "tables")
        model2, ifelse_dir = train(project, params, "if-else")
        model3, auto_dir = train(project, params, "auto")  # which form mote's estimate keeps
        auto_form = "mote_if_else" if " trees, if-else, model " in (auto_dir / "mote_model.cpp").read_text() else "mote_tables"  # the banner
        assert json.dumps(model, sort_keys=True) == json.dumps(model2, sort_keys=True) == json.dumps(model3, sort_keys=True), "training is not deterministic"
        (d / "forest.json").write_text(json.dumps(model))
        width = model["width"]
        rng = random.Random(12345)
        inputs = [rng.randint(-128, 127) for _ in range(N_INPUTS * width)]
        (d / "bench_inputs.h").write_text(
            f"#include <stdint.h>\nstatic const int kBenchN = {N_INPUTS}, kBenchW = {width};\n"
            f"static const int8_t kBenchInputs[{N_INPUTS * width}] = {{{', '.join(map(str, inputs))}}};\n")
        for method in ("loadable", "inline"):
            (d / f"forest_{method}.c").write_text(convert.convert(model, "forest", method))
        variants = {
            "empty": [HERE / "glue_empty.cpp"],
            "mote_tables": [HERE / "glue_mote.cpp", tables_dir / "mote_model.cpp", ROOT / "runtime/trees/tree_ensemble_s8.cpp"],
            "mote_if_else": [HERE / "glue_mote.cpp", ifelse_dir / "mote_model.cpp"],
            "emlearn_loadable": [HERE / "glue_emlearn.cpp", d / "forest_loadable.c"],
            "emlearn_inline": [HERE / "glue_emlearn.cpp", d / "forest_inline.c"],
        }
        measured = {}
        for name, srcs in variants.items():
            # mote_model.h of each form sits beside its .cpp: compile each mote variant with its own folder first.
            vd = d / name
            vd.mkdir(exist_ok=True)
            if name.startswith("mote"):
                sh(f"cp {srcs[1].parent / 'mote_model.h'} {vd}/")
            elf = build(name, vd, srcs, d)
            preds, instr = run_elf(elf)
            measured[name] = {"flash": tflm.sizes(elf)["flash"], "predictions": preds,
                              "instructions": sum(instr) / len(instr)}
        base = measured.pop("empty")
        row = {"forest": params, "voting": model.get("voting", "hard"), "trees": len(model["trees"]), "decision_nodes": sum(sum(1 for f in t["feature"] if f >= 0) for t in model["trees"]),
               "features": width, "classes": len(model["labels"]), "inputs": N_INPUTS}
        for name, m in measured.items():
            row[name] = {"flash_bytes": m["flash"] - base["flash"],
                         "instructions_per_inference": round(m["instructions"] - base["instructions"], 1)}
        ref = measured["emlearn_loadable"]["predictions"]
        row["identical_predictions"] = {n: sum(a == b for a, b in zip(m["predictions"], ref)) for n, m in measured.items()}
        best_mote = min(("mote_tables", "mote_if_else"), key=lambda n: row[n]["flash_bytes"])
        best_eml = min(("emlearn_loadable", "emlearn_inline"), key=lambda n: row[n]["flash_bytes"])
        row["mote_smaller_measured"] = best_mote
        row["mote_kept"] = auto_form  # device_form auto: the form mote's flash estimate keeps
        row["mote_kept_is_smaller"] = auto_form == best_mote
        row["flash_ratio_vs_emlearn_smaller"] = round(row[auto_form]["flash_bytes"] / row[best_eml]["flash_bytes"], 3)
        row["flash_ratio_tables_vs_loadable"] = round(row["mote_tables"]["flash_bytes"] / row["emlearn_loadable"]["flash_bytes"], 3)
        row["instructions_ratio_tables_vs_loadable"] = round(row["mote_tables"]["instructions_per_inference"] / row["emlearn_loadable"]["instructions_per_inference"], 3)
        row["instructions_ratio_if_else_vs_inline"] = round(row["mote_if_else"]["instructions_per_inference"] / row["emlearn_inline"]["instructions_per_inference"], 3)
        results.append(row)
    out = {"what": "random forests trained by mote on the demo's spectral features; mote's generated model vs emlearn's "
                   "generated C of the same trees (bench/peers/emlearn), Cortex-M4 under QEMU, same harness/flags/inputs",
           "emlearn": "../shared/peers/emlearn (0.23.2, commit 578d89dc)", "inputs": f"{N_INPUTS} seeded uniform int8 feature vectors",
           "forests": results}
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "trees.json").write_text(json.dumps(out, indent=2) + "\n")
    print(f"{'forest':>14} {'nodes':>6} | {'variant':>16} {'flash B':>8} {'instr/inf':>10} {'same pred':>9}")
    for r in results:
        for n in ("mote_tables", "mote_if_else", "emlearn_loadable", "emlearn_inline"):
            print(f"{'t%d d%d %s' % (r['forest']['trees'], r['forest']['max_depth'], r['voting']):>14} {r['decision_nodes']:>6} | {n:>16} "
                  f"{r[n]['flash_bytes']:>8} {r[n]['instructions_per_inference']:>10} {r['identical_predictions'][n]:>5}/{r['inputs']}")
        print(f"{'':>14} {'':>6} | tables/loadable: flash {r['flash_ratio_tables_vs_loadable']}x, instructions "
              f"{r['instructions_ratio_tables_vs_loadable']}x; if-else/inline instructions {r['instructions_ratio_if_else_vs_inline']}x; "
              f"kept {r['mote_kept']} (measured smaller: {r['mote_smaller_measured']}): flash {r['flash_ratio_vs_emlearn_smaller']}x emlearn's smaller")


if __name__ == "__main__":
    main()
