#!/usr/bin/python3
"""Claims, heartbeats and fenced finishes of the job queue (src/serve/job_rows.h) timed by mote_claim_bench on
SQLite (a WAL file) and PostgreSQL (a throwaway local server, unix socket, durable commits), with 1 and 8
claimers. Writes the "claims" key of bench/results/scale.json (other keys kept) and prints a table."""
import argparse, glob, json, os, pwd, shutil, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "scale.json"


def pg_bindir():
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(f"{d}/initdb"):
            return d
    return None


class Postgres:
    """initdb + pg_ctl in a temporary folder, unix socket only; as root the server runs as postgres."""

    def __init__(self, work):
        self.bindir = pg_bindir()
        if not self.bindir:
            raise RuntimeError("no PostgreSQL (install postgresql: scripts/setup)")
        self.dir = work / "pg"
        self.dir.mkdir()
        self.prefix = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self.prefix = ["/usr/sbin/runuser", "-u", "postgres", "--"]
        subprocess.run(self.prefix + [f"{self.bindir}/initdb", "-D", str(self.dir / "data"), "-A", "trust", "-U", "mote", "-E", "UTF8",
                                      "--locale=C", "--no-sync"], check=True, capture_output=True)
        subprocess.run(self.prefix + [f"{self.bindir}/pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "server.log"), "-w",
                                      "-o", f"-k {self.dir} -c listen_addresses= -c max_connections=40", "start"], check=True, capture_output=True)

    def database(self, name):
        subprocess.run(self.prefix + [f"{self.bindir}/createdb", "-h", str(self.dir), "-U", "mote", name], check=True, capture_output=True)
        return f"postgresql://mote@/{name}?host={self.dir}"

    def stop(self):
        subprocess.run(self.prefix + [f"{self.bindir}/pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "stop"], capture_output=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bench", default=str(ROOT / "build" / "bench" / "scale" / "mote_claim_bench"))
    ap.add_argument("--jobs", type=int, default=2000)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mote-bench-claims-"))
    os.chmod(work, 0o755)
    rows = []
    pg = None
    try:
        try:
            pg = Postgres(work)
        except Exception as e:  # noqa: BLE001 - reported, SQLite still measured
            print(f"PostgreSQL not measured: {e}")
        for claimers in (1, 8):
            stores = [("sqlite", str(work / f"claims-{claimers}.db"))]
            if pg:
                stores.append(("postgres", pg.database(f"claims{claimers}")))
            for name, location in stores:
                out = subprocess.run([args.bench, location, str(args.jobs), str(claimers)], check=True, capture_output=True, text=True).stdout
                rows.append(json.loads(out))
    finally:
        if pg:
            pg.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"{'store':>9} {'claimers':>9} {'jobs/s':>8} {'claim p50/p99 ms':>17} {'heartbeat p50':>14} {'finish p50':>11} {'idle claim p50':>15} {'lost':>5}")
    for r in rows:
        print(f"{r['backend']:>9} {r['claimers']:>9} {r['jobs_per_s']:>8.0f} {r['claim']['p50_ms']:>8.2f}/{r['claim']['p99_ms']:<8.2f}"
              f" {r['heartbeat']['p50_ms']:>14.2f} {r['finish']['p50_ms']:>11.2f} {r['idle_claim']['p50_ms']:>15.3f} {r['lost']:>5}")
    out = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    out["claims"] = {"date": time.strftime("%Y-%m-%d"), "cores": os.cpu_count(), "load_average_at_start": os.getloadavg()[0],
                     "jobs": args.jobs, "runs": rows}
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
