#!/usr/bin/python3
"""Both device forms of a tree model, measured: for each model below a demo project trains it (mote's CART),
`mote deploy --format cpp` generates it as node tables and as if-else code (and once with device_form auto),
each linked into the bench harness (harness.cpp + glue_mote.cpp, mote's firmware flags, Cortex-M4) and run on
QEMU over the same seeded int8 inputs. Records flash (firmware minus the empty harness), instructions per
inference, that both forms give the same classes, which form is smaller and which one `auto` kept (mote's flash
estimate, src/learn/trees/codegen.cpp). Writes bench/results/tree_forms.json and prints a table.
MOTE_BUILD: the build folder holding `mote` (default build/).
"""
import importlib.util
import json
import random
from pathlib import Path

# bench/trees/run.py (train, build, run_elf, the demo project) under its own name: it imports the TFLM
# peer's run.py as `run` itself.
_spec = importlib.util.spec_from_file_location("trees_bench", Path(__file__).resolve().parent / "run.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

MODELS = [
    {"type": "random_forest", "params": {"trees": 10, "max_depth": 6, "voting": "hard"}},
    {"type": "random_forest", "params": {"trees": 30, "max_depth": 8, "voting": "soft"}},
    {"type": "random_forest", "params": {"trees": 3, "max_depth": 3, "voting": "soft"}},
    {"type": "random_forest", "params": {"trees": 2, "max_depth": 2, "voting": "hard"}},
    {"type": "gradient_boosting", "params": {"trees": 8, "max_depth": 3}},
    {"type": "gradient_boosting", "params": {"trees": 30, "max_depth": 3, "learning_rate": 0.2}},
    {"type": "gradient_boosting", "params": {"trees": 3, "max_depth": 2}},
    {"type": "gradient_boosting", "params": {"trees": 20, "max_depth": 5}},
]
N_INPUTS = 50


def train(project, model, form):
    j = json.loads((project / "mote.json").read_text())
    j["impulse"]["learn"] = [{"name": "forest", "type": model["type"], "dsp": ["spectral"], "params": dict(model["params"], device_form=form)}]
    (project / "mote.json").write_text(json.dumps(j, indent=2))
    bench.sh(f"{bench.MOTE} -C {project} train")
    out = project / f"deploy-{form}"
    bench.sh(f"rm -rf {out}")
    bench.sh(f"{bench.MOTE} -C {project} deploy --format cpp -o {out}")
    return out / "impulse"


def main():
    work = bench.WORK / "forms"
    work.mkdir(parents=True, exist_ok=True)
    project = bench.WORK / "demo"
    if not (project / "mote.db").exists():
        bench.sh(f"rm -rf {project}")
        bench.sh(f"{bench.MOTE} demo {project} --no-serve --no-profile")
    rows = []
    for i, model in enumerate(MODELS):
        d = work / f"m{i}"
        d.mkdir(exist_ok=True)
        dirs = {form: train(project, model, form) for form in ("tables", "if-else", "auto")}
        src = (dirs["auto"] / "mote_model.cpp").read_text()
        kept = "if-else" if " trees, if-else, model " in src.splitlines()[0] else "tables"
        width = int(next(l for l in (dirs["auto"] / "mote_model.h").read_text().splitlines() if "kInputSize =" in l).split("=")[1].strip(" ;"))
        rng = random.Random(777)
        inputs = [rng.randint(-128, 127) for _ in range(N_INPUTS * width)]
        (d / "bench_inputs.h").write_text(
            f"#include <stdint.h>\nstatic const int kBenchN = {N_INPUTS}, kBenchW = {width};\n"
            f"static const int8_t kBenchInputs[{N_INPUTS * width}] = {{{', '.join(map(str, inputs))}}};\n")
        measured = {}
        for name, srcs in {"empty": [bench.HERE / "glue_empty.cpp"],
                           "tables": [bench.HERE / "glue_mote.cpp", dirs["tables"] / "mote_model.cpp", bench.ROOT / "runtime/trees/tree_ensemble_s8.cpp"],
                           "if-else": [bench.HERE / "glue_mote.cpp", dirs["if-else"] / "mote_model.cpp"]}.items():
            vd = d / name
            vd.mkdir(exist_ok=True)
            if name != "empty":
                bench.sh(f"cp {srcs[1].parent / 'mote_model.h'} {vd}/")
            elf = bench.build(name, vd, srcs, d)
            preds, instr = bench.run_elf(elf)
            measured[name] = {"flash": bench.tflm.sizes(elf)["flash"], "predictions": preds, "instructions": sum(instr) / len(instr)}
        base = measured.pop("empty")
        header = src.splitlines()[0]
        row = {"model": model, "banner": header, "inputs": N_INPUTS}
        for form, m in measured.items():
            row[form] = {"flash_bytes": m["flash"] - base["flash"], "instructions_per_inference": round(m["instructions"] - base["instructions"], 1)}
        row["same_predictions"] = sum(a == b for a, b in zip(measured["tables"]["predictions"], measured["if-else"]["predictions"]))
        row["smaller_measured"] = min(("tables", "if-else"), key=lambda f: row[f]["flash_bytes"])
        row["kept"] = kept
        row["kept_is_smaller"] = kept == row["smaller_measured"] or row["tables"]["flash_bytes"] == row["if-else"]["flash_bytes"]
        rows.append(row)
        print(f"{model['type']:>17} {json.dumps(model['params']):>60} | tables {row['tables']['flash_bytes']:>6} B {row['tables']['instructions_per_inference']:>8} instr"
              f" | if-else {row['if-else']['flash_bytes']:>6} B {row['if-else']['instructions_per_inference']:>8} instr | same {row['same_predictions']}/{N_INPUTS}"
              f" | kept {kept} ({'smaller' if row['kept_is_smaller'] else 'LARGER'})", flush=True)
    out = {"what": "both device forms of mote tree models (demo's spectral features, 4 classes), Cortex-M4 under QEMU, the bench/trees "
                   "harness; kept = the form device_form auto generates (mote's flash estimate)", "models": rows}
    (bench.ROOT / "bench" / "results" / "tree_forms.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
