#!/usr/bin/python3
"""Calibrates the estimator's cost table of a target (src/tune/cost_<target>.def; cortex-m4 by default) on QEMU.

Every calibration case of cases.py (one kernel or one DSP block at a time, ~60 cases) is estimated and measured by
mote_estimator_bench: its terms (src/tune/estimate.cpp's counts) beside QEMU's instructions per stage, flash and RAM
minus the empty harness. Then, by least squares with non-negative constants, relative to each measurement:
  instructions (per stage) = sum(term x constant);  flash - exact bytes = sum(code term x constant);
and the stack: each kernel's and DSP block's stack is the largest (RAM - exact bytes) of the cases it runs alone in
(conservative: a budget check never sees too little). Writes the .def (date, cases, residuals in its note) and the
"calibration" section of bench/results/estimator.json.
A case the target cannot hold (cortex-m0's 16 kB of RAM) is left out and named. A new table is compiled in by one
entry in src/tune/estimate.cpp's tables(). Other targets than cortex-m4 are recorded under "targets" in
bench/results/estimator.json.
Usage: /usr/bin/python3 bench/estimator/calibrate.py [--target cortex-m4] [--bench build-est/bench/estimator/mote_estimator_bench]
       [--work build-est/estimator/calibration (cortex-m4), build-est/estimator/<target>/calibration] [--reuse] [--jobs 2]"""
import argparse, datetime, json, os, re, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.optimize import nnls

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
sys.path.insert(0, here)
import cases  # noqa: E402


def target_machine(target):
    """QEMU's machine of a target, from targets/targets.def (for the table's note)."""
    with open(os.path.join(root, "targets", "targets.def")) as f:
        for line in f:
            if line.startswith("MOTE_TARGET("):
                strings = re.findall(r'"([^"]*)"', line)
                if strings[0] == target:
                    return strings[6].replace("-M ", "").split(" ")[0]
    sys.exit(f"no target {target} in targets/targets.def")


def results_doc_section(doc, target):
    """Where a target's results live in bench/results/estimator.json: cortex-m4's at the top level (as before)."""
    if target == "cortex-m4":
        return doc
    return doc.setdefault("targets", {}).setdefault(target, {})


def run_cases(jobs, bench, work, reuse, parallel):
    os.makedirs(work, exist_ok=True)

    def fresh(job):  # the estimator's terms as this build computes them (no QEMU)
        path = os.path.join(work, job["name"] + ".est.json")
        with open(path, "w") as f:
            json.dump(dict(job, measure=False), f)
        r = subprocess.run([bench, path], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"{job['name']}: {r.stderr.strip()}")
        return json.loads(r.stdout)

    def one(job):
        out = os.path.join(work, job["name"] + ".json")
        if reuse and os.path.exists(out + ".failed"):
            return None
        if reuse and os.path.exists(out):
            with open(out) as f:
                measured = json.load(f)["measured"]
            return dict(fresh(job), measured=measured)
        job = dict(job, measure=True, work=os.path.join(work, "fw-" + job["name"]))
        path = os.path.join(work, job["name"] + ".job.json")
        with open(path, "w") as f:
            json.dump(job, f)
        r = subprocess.run([bench, path], capture_output=True, text=True)
        if r.returncode != 0:  # e.g. more RAM than the target has: left out, named
            print(f"  left out {job['name']}: {r.stderr.strip()[:300]}", flush=True)
            with open(out + ".failed", "w") as f:
                f.write(r.stderr)
            return None
        res = json.loads(r.stdout)
        with open(out, "w") as f:
            json.dump(res, f)
        subprocess.run(["rm", "-rf", job["work"]])
        print(f"  measured {job['name']}", flush=True)
        return res

    with ThreadPoolExecutor(parallel) as ex:
        return [r for r in ex.map(one, jobs) if r is not None]


def fit(rows, names, measured=None):
    """Non-negative least squares of measured ~ terms . constants, each row divided by its measurement
    (`measured`: the whole measurement where a row's target is what is left of it)."""
    a = np.array([[r[0].get(n, 0.0) for n in names] for r in rows], dtype=float)
    b = np.array([r[1] for r in rows], dtype=float)
    w = 1.0 / np.maximum(np.abs(np.array(measured, dtype=float) if measured is not None else b), 50.0)
    scale = np.maximum(np.abs(a * w[:, None]).max(axis=0), 1e-12)
    x, _ = nnls(a * w[:, None] / scale, b * w)
    x = x / scale
    pred = a @ x
    rel = (pred - b) / np.maximum(np.abs(b), 1.0)
    return dict(zip(names, x)), rel


def fit_in_two(rows, extra):
    """The rows without `extra` terms fit first (the kernels and blocks as before); then the rest fit the
    `extra` terms alone, the constants already fitted held: new cases (tree blocks) do not move the old ones."""
    base = [r for r in rows if not any(extra(n) for n in r[0])]
    names = sorted({n for t, _, _ in base for n in t})
    consts, _ = fit(base, names)
    rest = [r for r in rows if any(extra(n) for n in r[0])]
    rest_names = sorted({n for t, _, _ in rest for n in t if n not in consts})
    if rest:
        left = [({n: v for n, v in t.items() if n in rest_names}, m - sum(consts.get(n, 0.0) * v for n, v in t.items()), k)
                for t, m, k in rest]
        more, _ = fit(left, rest_names, [m for _, m, _ in rest])
        consts.update(more)
    return consts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=cases.bench_binary(root),
                    help="mote_estimator_bench (default: build/ or build-est/, $MOTE_BUILD first)")
    ap.add_argument("--target", default="cortex-m4", help="targets/targets.def's name")
    ap.add_argument("--work", default=None)
    ap.add_argument("--reuse", action="store_true", help="reuse measurements already in --work")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    target = args.target
    machine = target_machine(target)
    work = args.work or os.path.join(root, "build-est", "estimator", *([] if target == "cortex-m4" else [target]), "calibration")
    jobs = [dict(j, target=target) for j in cases.calibration_cases()]
    results = run_cases(jobs, args.bench, work, args.reuse, args.jobs)
    left_out = sorted({j["name"] for j in jobs} - {r["name"] for r in results})

    # Instructions: one row per measured stage.
    ins_rows = []
    for r in results:
        for stage in ("dsp", "nn", "anomaly"):
            terms = r["terms"][stage]
            if terms and (stage != "dsp" or r["terms"]["dsp"]) and (stage == "nn" or r["measured"][stage] > 0 or terms):
                if stage == "anomaly" and len(terms) == 1 and r["measured"]["anomaly"] <= 0:
                    continue  # a model alone: no anomaly stage ran (an impulse's empty stage is timed: a row)
                ins_rows.append((terms, float(r["measured"][stage]), r["name"] + "/" + stage))
    is_tree = lambda n: "tree" in n  # tree blocks' terms (tree_*, code_tree_*): fitted after everything else
    ins = fit_in_two(ins_rows, is_tree)

    # Flash: code bytes beyond the exact ones.
    fl_rows = [(r["terms"]["flash"], float(r["measured"]["flash_bytes"] - r["terms"]["exact_flash"]), r["name"]) for r in results]
    fl = fit_in_two(fl_rows, is_tree)

    # Stack: RAM - exact bytes = the deepest kernel's or block's stack (relative to the empty harness, so it may be
    # negative). Each one's constant is the largest residual of the cases it is the deepest in: first the cases it
    # runs alone in, then those where it exceeds the others already known; one that never does gets the smallest
    # residual of its cases (it never decides the peak). Inside an impulse the network's kernels sit one frame deeper.
    stack = {}
    resid = [(set(k for k, v in r["terms"]["stack"].items() if v > 0), r["measured"]["ram_bytes"] - r["terms"]["exact_ram"],
              bool(r["terms"]["dsp"]), r) for r in results]

    def settle(group):
        for ks, res, _, _ in group:
            if len(ks) == 1:
                k = next(iter(ks))
                stack[k] = max(stack.get(k, -1e9), res)
        for _ in range(3):
            for ks, res, _, _ in group:
                unknown = [k for k in ks if k not in stack]
                known = max([stack[k] for k in ks if k in stack] or [-1e9])
                if len(unknown) == 1 and res > known:
                    stack[unknown[0]] = max(stack.get(unknown[0], -1e9), res)
        for ks, res, _, _ in group:
            for k in ks:
                if k not in stack:
                    stack[k] = min(res for ks2, res, _, _ in group if k in ks2)

    # DSP blocks and tree blocks are measured under run_impulse itself (stack_dsp_*, stack_tree_*).
    def impulse_level(k):
        return k.startswith("stack_dsp_") or k.startswith("stack_tree_")

    settle([g for g in resid if not g[2]])
    settle([(ks, res, imp, r) for ks, res, imp, r in resid if imp and all(impulse_level(k) for k in ks)])
    deeper = -1e9
    for ks, res, imp, r in resid:
        if imp and not all(impulse_level(k) for k in ks):
            nn_stack = max([stack.get(k, -1e9) for k in ks if not impulse_level(k)])
            dsp_stack = max([stack.get(k, -1e9) for k in ks if impulse_level(k)] or [-1e9])
            if res > dsp_stack:
                deeper = max(deeper, res - nn_stack)
    stack["stack_impulse_nn"] = deeper if deeper > -1e9 else 0

    table = {**{k: round(v, 4) for k, v in ins.items()}, **{k: round(v, 1) for k, v in fl.items()},
             **{k: float(v) for k, v in stack.items()}}
    # Residuals of the fitted table on the calibration cases (totals, as the estimator reports them).
    per_case = []
    for r in results:
        t = r["terms"]
        est_i = sum(table.get(n, 0) * v for s in ("dsp", "nn", "anomaly") for n, v in t[s].items())
        est_f = t["exact_flash"] + sum(table.get(n, 0) * v for n, v in t["flash"].items())
        st = [table[k] + (table["stack_impulse_nn"] if t["dsp"] and not impulse_level(k) else 0)
              for k, v in t["stack"].items() if v > 0 and k in table]
        est_r = max(0, t["exact_ram"] + round(max(st or [0])))
        m = r["measured"]
        per_case.append({"name": r["name"], "instructions": m["instructions"], "instructions_est": est_i,
                         "flash": m["flash_bytes"], "flash_est": est_f, "ram": m["ram_bytes"], "ram_est": est_r,
                         "err_instructions": (est_i - m["instructions"]) / m["instructions"] if m["instructions"] else 0,
                         "err_flash": (est_f - m["flash_bytes"]) / m["flash_bytes"], "err_ram": (est_r - m["ram_bytes"]) / m["ram_bytes"]})
    worst = {k: max(abs(c["err_" + k]) for c in per_case) for k in ("instructions", "flash", "ram")}
    mean = {k: sum(abs(c["err_" + k]) for c in per_case) / len(per_case) for k in ("instructions", "flash", "ram")}
    date = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC")
    note = (f"calibrated {date} on QEMU {machine} (-icount shift=0) from {len(results)} cases (bench/estimator/cases.py"
            + (f", {len(left_out)} left out: more than the target holds" if left_out else "") + "); "
            f"residuals on them, max/mean |error|: instructions {worst['instructions']:.1%}/{mean['instructions']:.1%}, "
            f"flash {worst['flash']:.1%}/{mean['flash']:.1%}, RAM {worst['ram']:.1%}/{mean['ram']:.1%}")
    with open(os.path.join(root, "src", "tune", "cost_" + target.replace("-", "_") + ".def"), "w") as f:
        f.write(f"// {target} cost table of the estimator (src/tune/estimate.h): MOTE_COST(term, constant) per term, written\n"
                "// by bench/estimator/calibrate.py from QEMU measurements. Do not edit by hand: rerun the calibration.\n"
                f"// {note}.\n// Instructions per term count; code_*: flash bytes; stack_*: bytes of stack while it runs.\n")
        f.write(f'MOTE_COST_NOTE("{note}")\n')
        for k in sorted(table):
            f.write(f"MOTE_COST({k}, {table[k]:g})\n")
    out = os.path.join(root, "bench", "results", "estimator.json")
    doc = {}
    if os.path.exists(out):
        with open(out) as f:
            doc = json.load(f)
    doc.update({"benchmark": "estimator", "target": "cortex-m4 (QEMU mps2-an386, -icount shift=0)"})
    sec = results_doc_section(doc, target)
    if target != "cortex-m4":
        sec["target"] = f"{target} (QEMU {machine}, -icount shift=0)"
    sec["calibration"] = {"date": date, "cases": len(results), "left_out": left_out, "max_abs_error": worst,
                          "mean_abs_error": mean, "table": table, "per_case": per_case}
    with open(out, "w") as f:
        json.dump(doc, f, indent=2)
    print(f"{'case':40} {'instr':>9} {'est':>9} {'err':>7} {'flash':>7} {'est':>7} {'err':>7} {'RAM':>6} {'est':>6} {'err':>7}")
    for c in per_case:
        print(f"{c['name']:40} {c['instructions']:9.0f} {c['instructions_est']:9.0f} {c['err_instructions']:7.1%} "
              f"{c['flash']:7d} {c['flash_est']:7.0f} {c['err_flash']:7.1%} {c['ram']:6d} {c['ram_est']:6.0f} {c['err_ram']:7.1%}")
    print(note)


if __name__ == "__main__":
    main()
