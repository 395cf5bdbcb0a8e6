#!/usr/bin/python3
"""The estimator's proof: 30 seeded generated networks (dense, conv1d, conv2d, separable; various widths and depths)
and 8 whole impulses (spectral, MFCC, MFE, spectrogram, flatten, raw blocks; dense, conv and separable networks;
k-means), none of them used by calibrate.py. Each is estimated (src/tune/estimate.h, the compiled-in cost table)
and measured on QEMU (mote_estimator_bench: `mote profile`'s firmware, minus the empty harness); prints estimate
beside measurement and writes the "proof" section of bench/results/estimator.json with the max and mean errors.
Issue 16 asks <= 10 % on instructions and <= 5 % on RAM and flash. --target T proves another core's estimate (its
own cost table when src/tune/cost_<T>.def exists, else cortex-m4's) into "targets" -> T of estimator.json; a case the
target cannot hold (cortex-m0: 16 kB of RAM) is left out and named.
Usage: /usr/bin/python3 bench/estimator/run.py [--target cortex-m4] [--bench ...] [--work build-est/estimator/proof]
       [--reuse] [--jobs 2]"""
import argparse, json, os, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
sys.path.insert(0, here)
import cases  # noqa: E402

BOUNDS = {"instructions": 0.10, "ram": 0.05, "flash": 0.05}


class CaseFailed(Exception):
    pass


def bench_run(bench, job, path):
    with open(path, "w") as f:
        json.dump(job, f)
    r = subprocess.run([bench, path], capture_output=True, text=True)
    if r.returncode != 0:
        raise CaseFailed(f"{job['name']}: {r.stderr.strip()[:300]}")
    return json.loads(r.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=cases.bench_binary(root),
                    help="mote_estimator_bench (default: build/ or build-est/, $MOTE_BUILD first)")
    ap.add_argument("--target", default="cortex-m4", help="targets/targets.def's name")
    ap.add_argument("--work", default=None)
    ap.add_argument("--reuse", action="store_true", help="reuse QEMU measurements already in --work (estimates are always fresh)")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    target = args.target
    args.work = args.work or os.path.join(root, "build-est", "estimator", *([] if target == "cortex-m4" else [target]), "proof")
    os.makedirs(args.work, exist_ok=True)
    jobs = [dict(j, target=target) for j in cases.proof_networks() + cases.proof_impulses()]
    left_out = []

    def one(job):
        try:
            return measure(job)
        except CaseFailed as e:
            print(f"  left out {e}", flush=True)
            left_out.append(job["name"])
            return None

    def measure(job):
        cache = os.path.join(args.work, job["name"] + ".json")
        if args.reuse and os.path.exists(cache + ".failed"):
            raise CaseFailed(job["name"] + ": failed before (" + cache + ".failed)")
        if args.reuse and os.path.exists(cache):
            with open(cache) as f:
                measured = json.load(f)["measured"]
        else:
            fw = os.path.join(args.work, "fw-" + job["name"])
            try:
                measured = bench_run(args.bench, dict(job, measure=True, work=fw), cache + ".job")["measured"]
            except CaseFailed as e:
                with open(cache + ".failed", "w") as f:
                    f.write(str(e))
                subprocess.run(["rm", "-rf", fw])
                raise
            with open(cache, "w") as f:
                json.dump({"measured": measured}, f)
            subprocess.run(["rm", "-rf", fw])
        est = bench_run(args.bench, dict(job, measure=False), cache + ".est")
        return job, est, measured

    with ThreadPoolExecutor(args.jobs) as ex:
        results = [r for r in ex.map(one, jobs) if r is not None]

    est_note = results[0][1].get("cost_table") if results else None
    rows = []
    for job, est, m in results:
        e = est["estimate"]
        row = {"name": job["name"], "kind": job["kind"], "layers": est.get("layers"), "macs": est.get("macs"),
               "measured": {"instructions": m["instructions"], "dsp": m["dsp"], "nn": m["nn"], "anomaly": m["anomaly"],
                            "ram_bytes": m["ram_bytes"], "flash_bytes": m["flash_bytes"]},
               "estimated": {"instructions": e["instructions"], "dsp": e["dsp"], "nn": e["nn"], "anomaly": e["anomaly"],
                             "ram_bytes": e["ram_bytes"], "flash_bytes": e["flash_bytes"]}}
        row["error"] = {"instructions": (e["instructions"] - m["instructions"]) / m["instructions"],
                        "ram": (e["ram_bytes"] - m["ram_bytes"]) / m["ram_bytes"],
                        "flash": (e["flash_bytes"] - m["flash_bytes"]) / m["flash_bytes"]}
        rows.append(row)

    def summary(rs):
        return {k: {"max_abs": max(abs(r["error"][k]) for r in rs), "mean_abs": sum(abs(r["error"][k]) for r in rs) / len(rs)}
                for k in BOUNDS}

    s_all = summary(rows)
    # RAM within 5 % or 16 bytes: the painted stack is read in words and the harness's sections are 8-byte aligned,
    # so a network of a few dozen bytes (net20: 56 B) cannot be held to 5 %.
    def within(r, k):
        m = r["measured"]["ram_bytes"] if k == "ram" else None
        return abs(r["error"][k]) <= BOUNDS[k] or (k == "ram" and abs(r["error"][k]) * m <= 16)
    ok = all(within(r, k) for r in rows for k in BOUNDS)
    outside = [(r["name"], k, r["error"][k]) for r in rows for k in BOUNDS if abs(r["error"][k]) > BOUNDS[k]]
    print(f"{'case':46} {'instr':>9} {'est':>9} {'err':>7} {'RAM':>6} {'est':>6} {'err':>6} {'flash':>7} {'est':>7} {'err':>6}")
    for r in rows:
        m, e, x = r["measured"], r["estimated"], r["error"]
        print(f"{r['name'][:46]:46} {m['instructions']:9.0f} {e['instructions']:9d} {x['instructions']:7.1%} "
              f"{m['ram_bytes']:6d} {e['ram_bytes']:6d} {x['ram']:6.1%} {m['flash_bytes']:7d} {e['flash_bytes']:7d} {x['flash']:6.1%}")
    for k in BOUNDS:
        print(f"{k:12} max |error| {s_all[k]['max_abs']:6.1%}  mean {s_all[k]['mean_abs']:6.1%}  (bound {BOUNDS[k]:.0%})")
    for name, k, e in outside:
        print(f"over the bound: {name} {k} {e:.1%}" + (" (within 16 bytes)" if ok else ""))
    print("within the bounds" if ok else "OUTSIDE THE BOUNDS")

    out = os.path.join(root, "bench", "results", "estimator.json")
    doc = {}
    if os.path.exists(out):
        with open(out) as f:
            doc = json.load(f)
    doc.update({"benchmark": "estimator", "target": "cortex-m4 (QEMU mps2-an386, -icount shift=0)"})
    import calibrate  # noqa: E402 (where a target's results live)
    sec = calibrate.results_doc_section(doc, target)
    if target != "cortex-m4":
        sec["target"] = f"{target} (QEMU {calibrate.target_machine(target)}, -icount shift=0)"
    sec["proof"] = {"bounds": BOUNDS, "left_out": sorted(left_out), "ram_allowance_bytes": 16, "within_bounds": ok, "cases": len(rows),
                    "over_the_relative_bound": [{"case": n, "quantity": k, "error": e} for n, k, e in outside],
                    "networks": summary([r for r in rows if r["kind"] == "model"]),
                    "impulses": summary([r for r in rows if r["kind"] == "impulse"]), "all": s_all, "per_case": rows,
                    "cost_table": est_note}
    with open(out, "w") as f:
        json.dump(doc, f, indent=2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
