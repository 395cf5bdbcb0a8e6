#!/usr/bin/python3
"""Ingestion with group commit (src/serve/ingest_commit.h) on SQLite and PostgreSQL beside the minimal Python
peer (bench/load/peer_server.py), all driven by bench/load's client (mote_load) in the same run; then a
SIGKILL run per backend: `mote serve` killed at random moments while uploads go on, restarted, and every
upload that got a 2xx looked up in the store afterwards (id, name, content hash). Writes the "ingestion" key
of bench/results/scale.json (other keys kept) and prints a table.
Usage: bench/scale/ingest.py [--build build] [--seconds 10] [--connections 8] [--kills 20]"""
import argparse, json, os, random, shutil, signal, sqlite3, subprocess, sys, tempfile, threading, time, http.client
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from claims import Postgres  # noqa: E402  (a throwaway local server, durable commits)

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "scale.json"


def body(tag, i):
    values = [[(tag * 1000003 + i) + 0.25 * f + a for a in range(3)] for f in range(10)]
    return json.dumps({"protected": {"ver": "v1", "alg": "none", "iat": 0}, "signature": "0" * 64,
                       "payload": {"device_name": "kill", "device_type": "BENCH", "interval_ms": 16,
                                   "sensors": [{"name": n, "units": "m/s2"} for n in ("accX", "accY", "accZ")],
                                   "values": values}}).encode()


class Serve:
    """`mote -C DIR serve` on a fixed port (so that clients find it again after a restart)."""

    def __init__(self, mote, project, port, log):
        self.cmd = [mote, "-C", str(project), "serve", "--port", str(port)]
        self.log = log
        self.proc = None

    def start(self):
        out = open(self.log, "ab")
        self.proc = subprocess.Popen(self.cmd, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mote serve exited ({self.log})")
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port(), timeout=1)
                c.request("GET", "/api/health")
                c.getresponse().read()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("mote serve did not start")

    def port(self):
        return int(self.cmd[-1])

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait()


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def new_project(mote, work, name, url):
    d = work / name
    subprocess.run([mote, "init", str(d)] + (["--db", url] if url else []), check=True, capture_output=True)
    key = subprocess.run([mote, "-C", str(d), "keys", "create", "--name", "bench"], check=True, capture_output=True,
                         text=True).stdout.split()[-1]
    return d, key


def throughput(args, mote, load, work, name, url):
    d, key = new_project(mote, work, name, url)
    srv = Serve(mote, d, free_port(), work / f"{name}.log")
    srv.start()
    out = work / f"{name}.json"
    try:
        subprocess.run([load, "--port", str(srv.port()), "--key", key, "--project", str(d), "--name", f"mote ({name})",
                        "--server-pid", str(srv.proc.pid), "--seconds", str(args.seconds), "--connections",
                        str(args.connections), "--out", str(out)], capture_output=True)
    finally:
        srv.stop()
    return json.load(open(out))


def peer_throughput(args, load, work):
    key = "peer-key-0123456789"
    db = work / "peer.db"
    log = open(work / "peer.log", "w")
    p = subprocess.Popen(["/usr/bin/python3", str(ROOT / "bench/load/peer_server.py"), str(db), key], stdout=log, stderr=log)
    try:
        for _ in range(200):
            text = open(work / "peer.log").read()
            if text.startswith("port"):
                break
            time.sleep(0.05)
        port = int(open(work / "peer.log").read().split()[1])
        out = work / "peer.json"
        subprocess.run([load, "--port", str(port), "--key", key, "--db", str(db), "--name", "python3 http.server + sqlite3",
                        "--server-pid", str(p.pid), "--seconds", str(args.seconds), "--connections", str(args.connections),
                        "--out", str(out)], capture_output=True)
        return json.load(open(out))
    finally:
        p.terminate()
        p.wait()


def stored_rows(d, url):
    if url:
        bindir = Postgres.__init__.__globals__["pg_bindir"]()
        r = subprocess.run([f"{bindir}/psql", url, "-AtF", "\t", "-c", "SELECT id, name, hash FROM samples"],
                           check=True, capture_output=True, text=True).stdout
        return {int(a): (b, c) for a, b, c in (line.split("\t") for line in r.splitlines() if line)}
    con = sqlite3.connect(d / "mote.db")
    return {i: (n, h) for i, n, h in con.execute("SELECT id, name, hash FROM samples")}


def kill_run(args, mote, work, name, url):
    """Uploads on `connections` threads while the server is SIGKILLed `kills` times at random and restarted."""
    d, key = new_project(mote, work, f"{name}-kill", url)
    srv = Serve(mote, d, free_port(), work / f"{name}-kill.log")
    srv.start()
    accepted, lock, stop = [], threading.Lock(), threading.Event()
    counts = {"2xx": 0, "4xx": 0, "5xx": 0, "transport": 0}

    def client(tag):
        i = 0
        conn = None
        while not stop.is_set():
            i += 1
            fname = f"k{tag}.{i}.json"
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", srv.port(), timeout=10)
                conn.request("POST", "/api/training/data", body(tag, i),
                             {"x-api-key": key, "x-label": "kill", "x-file-name": fname, "Content-Type": "application/json"})
                r = conn.getresponse()
                data = r.read()
            except (OSError, http.client.HTTPException):
                with lock:
                    counts["transport"] += 1
                conn = None
                time.sleep(0.02)
                continue
            with lock:
                if 200 <= r.status < 300:
                    counts["2xx"] += 1
                    f = json.loads(data)["files"][0]
                    accepted.append((f["id"], f["name"], f["hash"]))
                elif r.status >= 500:
                    counts["5xx"] += 1
                else:
                    counts["4xx"] += 1

    threads = [threading.Thread(target=client, args=(t,)) for t in range(args.connections)]
    for t in threads:
        t.start()
    rng = random.Random(20)
    kills = 0
    try:
        for _ in range(args.kills):
            time.sleep(rng.uniform(0.1, 0.6))  # uploads flowing: the kill lands at a random moment among them
            srv.kill()
            kills += 1
            srv.start()
        time.sleep(0.3)
    finally:
        stop.set()
        for t in threads:
            t.join()
        srv.stop()
    rows = stored_rows(d, url)
    lost = [a for a in accepted if rows.get(a[0]) != (a[1], a[2])]
    return {"backend": name, "kills": kills, "accepted_2xx": counts["2xx"], "refused_4xx": counts["4xx"],
            "failed_5xx": counts["5xx"], "transport_errors": counts["transport"], "rows_in_store": len(rows),
            "accepted_missing_after_kills": len(lost)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--kills", type=int, default=20)
    args = ap.parse_args()
    mote, load = f"{args.build}/mote", f"{args.build}/bench/load/mote_load"
    work = Path(tempfile.mkdtemp(prefix="mote-bench-ingest-"))
    os.chmod(work, 0o755)
    pg = Postgres(work)
    try:
        url = pg.database("ingest")
        peer = peer_throughput(args, load, work)
        runs = {"sqlite": throughput(args, mote, load, work, "sqlite", ""),
                "postgres": throughput(args, mote, load, work, "postgres", url)}
        kill_url = pg.database("ingest_kill")
        kills = [kill_run(args, mote, work, "sqlite", ""), kill_run(args, mote, work, "postgres", kill_url)]
    finally:
        pg.stop()
        shutil.rmtree(work, ignore_errors=True)
    peer_rate = peer["accepted_per_s"]
    rows = []
    for name, r in [("peer", peer)] + list(runs.items()):
        rows.append({"server": r["server"], "backend": name, "uploads_per_s": round(r["accepted_per_s"], 1),
                     "vs_peer": round(r["accepted_per_s"] / max(peer_rate, 1e-9), 2),
                     "server_cpu_us_per_upload": round(r["server_cpu_us_per_upload"], 1),
                     "p50_ms": round(r["latency_ms"]["p50"], 2), "p99_ms": round(r["latency_ms"]["p99"], 2),
                     "accepted_2xx": r["accepted_2xx"], "failed_5xx": r["failed_5xx"],
                     "accepted_found_in_store": r["accepted_found_in_store"]})
    ok = (rows[1]["vs_peer"] >= 2 and rows[2]["vs_peer"] >= 1 and all(r["failed_5xx"] == 0 for r in rows)
          and all(r["accepted_found_in_store"] == r["accepted_2xx"] for r in rows)
          and all(k["kills"] >= 20 and k["accepted_missing_after_kills"] == 0 for k in kills))
    result = {"date": time.strftime("%Y-%m-%d"), "cores": os.cpu_count(), "load_average": os.getloadavg()[0],
              "what": "POST /api/training/data, acquisition JSON 10 frames x 3 axes, bench/load's client, "
                      f"{args.connections} keep-alive connections, {args.seconds:g} s each; PostgreSQL 15 local socket, "
                      "durable commits (fsync on, synchronous_commit on); SQLite WAL synchronous=NORMAL",
              "throughput": rows, "sigkill": kills, "targets": "sqlite >= 2x peer, postgres >= 1x peer, 0 lost, 0 5xx, >= 20 kills",
              "meets_targets": ok}
    doc = json.load(open(RESULTS)) if RESULTS.exists() else {}
    doc["ingestion"] = result
    RESULTS.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"{'server':34} {'uploads/s':>10} {'x peer':>7} {'CPU us/up':>10} {'p50 ms':>7} {'p99 ms':>7} {'5xx':>4} {'found':>13}")
    for r in rows:
        print(f"{r['server']:34} {r['uploads_per_s']:10.0f} {r['vs_peer']:7.2f} {r['server_cpu_us_per_upload']:10.0f} "
              f"{r['p50_ms']:7.2f} {r['p99_ms']:7.2f} {r['failed_5xx']:4d} {r['accepted_found_in_store']:>6}/{r['accepted_2xx']}")
    for k in kills:
        print(f"SIGKILL {k['backend']:8}: {k['kills']} kills, {k['accepted_2xx']} accepted, "
              f"{k['accepted_missing_after_kills']} missing afterwards, {k['failed_5xx']} 5xx, {k['transport_errors']} cut off")
    print("targets:", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
