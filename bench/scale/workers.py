#!/usr/bin/python3
"""Workers: a 32-candidate tune spread over 1, 2 and 8 `mote worker` processes, and the same tune while workers
are SIGKILLed at random (and restarted), on one project (ei-gestures) in a SQLite store.

Each run copies the same freshly imported project, starts N workers (`mote worker --kinds tune-candidate`),
runs `mote tune --distribute --workers 0` (the search only queues and collects) and times it. The search is
deterministic for a seed, so every run must give the same table as `mote tune` run locally; with kills, every
candidate job must end `done` once (attempts > 1 where a worker died), no job failed, the table unchanged.
Also measured: the claim latency (time from a job's lease expiring or its queueing to a worker taking it is not
separable from polling here; see --claims, which times claim+finish round trips through `mote worker --once`).

Each worker is its own session (as a service or another machine would be): Linux's autogroup scheduler shares
the CPUs between sessions, not processes, so on a machine shared with other people's work, workers started in
one session would share one session's slice, whatever their number.

Writes bench/results/scale.json ("workers" key; other keys of the file are kept) and prints a table.
"""
import argparse, json, os, random, shutil, signal, sqlite3, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "scale.json"


def mote(args, *cmd, **kw):
    return subprocess.run([args.mote, *cmd], check=True, capture_output=True, text=True, **kw).stdout


def start_worker(args, project, log):
    # --attempts: the kills here are deliberate, not a job that kills its workers (which 3 attempts stop).
    return subprocess.Popen([args.mote, "-C", str(project), "worker", "--kinds", "tune-candidate", "--lease", str(args.lease),
                             "--poll", "0.1", "--attempts", "100"], stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def tune_cmd(args, project, extra):
    return [args.mote, "-C", str(project), "tune", "--candidates", str(args.candidates), "--finalists", "0", "--folds", "2",
            "--seed", "1", "--time", "10h", "--json", *extra]


def table(shown):
    """What must not change between runs: every candidate's epochs reached and score at each rung."""
    return sorted((c["index"], c.get("epochs", 0), [round(r.get("score", -1), 6) for r in c["rungs"]]) for c in shown["candidates"])


def jobs_report(project):
    db = sqlite3.connect(project / "mote.db")
    rows = db.execute("SELECT state, attempts, started_at, finished_at FROM jobs WHERE kind = 'tune-candidate'").fetchall()
    db.close()
    states = {}
    for s, _, _, _ in rows:
        states[s] = states.get(s, 0) + 1
    return {"jobs": len(rows), "states": states, "retried": sum(1 for r in rows if r[1] > 1),
            "attempts": sum(r[1] for r in rows)}


def run_distributed(args, base, work, n, kills=0):
    project = work / f"run-{n}-{kills}"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(base, project)
    logs = open(work / f"workers-{n}-{kills}.log", "w")
    workers = [start_worker(args, project, logs) for _ in range(n)]
    t0 = time.monotonic()
    out_file, err_file = open(work / f"tune-{n}-{kills}.json", "w+"), open(work / f"tune-{n}-{kills}.err", "w+")
    tune = subprocess.Popen(tune_cmd(args, project, ["--distribute", "--workers", "0", "--lease", str(args.lease)]),
                            stdout=out_file, stderr=err_file, text=True)
    done_kills = 0
    rng = random.Random(7)
    while tune.poll() is None:
        if kills and done_kills < kills:
            time.sleep(rng.uniform(0.2, args.kill_every))
            if tune.poll() is not None:
                break
            i = rng.randrange(n)
            workers[i].send_signal(signal.SIGKILL)
            workers[i].wait()
            done_kills += 1
            workers[i] = start_worker(args, project, logs)
        else:
            time.sleep(0.1)
    tune.wait()
    seconds = time.monotonic() - t0
    out_file.seek(0)
    err_file.seek(0)
    out, err = out_file.read(), err_file.read()
    for w in workers:
        w.send_signal(signal.SIGTERM)
    clean = all(w.wait(timeout=60) == 0 for w in workers)
    if tune.returncode != 0:
        sys.exit(f"tune failed with {n} workers: {err}")
    shown = json.loads(out)
    return {"workers": n, "seconds": round(seconds, 2), "kills": done_kills, "table": table(shown),
            "evaluations": shown["summary"]["evaluations"], "workers_stopped_cleanly": clean, **jobs_report(project)}


def run_local(args, base, work):
    project = work / "run-local"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(base, project)
    t0 = time.monotonic()
    shown = json.loads(subprocess.run(tune_cmd(args, project, ["--workers", "1"]), check=True, capture_output=True, text=True).stdout)
    return {"seconds": round(time.monotonic() - t0, 2), "table": table(shown), "evaluations": shown["summary"]["evaluations"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mote", default=str(ROOT / "build" / "mote"))
    ap.add_argument("--candidates", type=int, default=32)
    ap.add_argument("--workers", default="1,2,8")
    ap.add_argument("--kills", type=int, default=24, help="SIGKILLs of random workers during one tune (with 2 workers)")
    ap.add_argument("--kill-every", type=float, default=1.5, help="at most this many seconds between kills")
    ap.add_argument("--lease", type=float, default=2.0, help="the workers' lease in seconds")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of every worker count (the median is kept)")
    ap.add_argument("--dataset", default=str(ROOT.parent / "shared" / "datasets" / "ei-gestures"))
    args = ap.parse_args()
    if not Path(args.dataset).is_dir():
        sys.exit(f"no dataset at {args.dataset}")
    load_at_start = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="mote-bench-workers-"))
    base = work / "base"
    mote(args, "init", str(base))
    mote(args, "-C", str(base), "import", args.dataset)
    mote(args, "-C", str(base), "impulse", "show")  # the suggested impulse saved, as every run starts from it

    local = run_local(args, base, work)
    # Rounds of 1, 2, 8 workers in turn; each count's median round: the other work on a shared machine changes
    # from minute to minute, and interleaving spreads it over the counts.
    rounds = [[run_distributed(args, base, work, int(n)) for n in args.workers.split(",")] for _ in range(args.rounds)]
    runs = []
    for k in range(len(rounds[0])):
        tries = sorted((rd[k] for rd in rounds), key=lambda r: r["seconds"])
        median = dict(tries[len(tries) // 2])
        median["seconds_each_round"] = [rd[k]["seconds"] for rd in rounds]
        median["tables_equal_across_rounds"] = all(rd[k]["table"] == tries[0]["table"] for rd in rounds)
        runs.append(median)
    killed = run_distributed(args, base, work, 2, kills=args.kills)
    one = next(r for r in runs if r["workers"] == 1)
    for r in runs + [killed]:
        r["speedup_vs_1"] = round(one["seconds"] / r["seconds"], 2)
        r["same_table_as_local"] = r["table"] == local["table"]
        r["lost_jobs"] = r["jobs"] - r["states"].get("done", 0)
    print(f"load average {load_at_start:.1f} at start, {os.getloadavg()[0]:.1f} at end; niceness {os.nice(0)}")
    print(f"32-candidate tune on {Path(args.dataset).name}, {os.cpu_count()} cores; local `mote tune --workers 1`: {local['seconds']} s,"
          f" {local['evaluations']} evaluations")
    print(f"{'workers':>8} {'kills':>6} {'seconds':>8} {'speedup':>8} {'jobs':>5} {'retried':>8} {'not done':>9} {'same table':>11}")
    for r in runs + [killed]:
        print(f"{r['workers']:>8} {r['kills']:>6} {r['seconds']:>8} {r['speedup_vs_1']:>8} {r['jobs']:>5} {r['retried']:>8}"
              f" {r['lost_jobs']:>9} {str(r['same_table_as_local']):>11}")
    two = next(r for r in runs if r["workers"] == 2)
    eight = next((r for r in runs if r["workers"] == 8), None)
    verdict = {
        "two_vs_one": two["speedup_vs_1"], "two_at_least_1_7x": two["speedup_vs_1"] >= 1.7,
        "eight_no_slower_than_two": eight is not None and eight["seconds"] <= two["seconds"] * 1.05,
        "kills": killed["kills"], "kills_lost_no_job": killed["lost_jobs"] == 0 and killed["states"].get("failed", 0) == 0,
        "kills_duplicated_no_result": killed["same_table_as_local"] and killed["evaluations"] == local["evaluations"],
    }
    print(json.dumps(verdict))
    for r in runs + [killed]:
        del r["table"]
    out = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    out["workers"] = {"date": time.strftime("%Y-%m-%d"), "dataset": Path(args.dataset).name, "candidates": args.candidates,
                      "cores": os.cpu_count(), "load_average_at_start": load_at_start, "load_average_at_end": os.getloadavg()[0],
                      "niceness": os.nice(0), "lease_s": args.lease, "rounds": args.rounds,
                      "local_workers_1": {k: v for k, v in local.items() if k != "table"}, "runs": runs, "killed": killed,
                      "verdict": verdict}
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
