#!/usr/bin/python3
"""The peer for bench/load: what a user would write without mote — Python's standard ThreadingHTTPServer
taking POST /api/training/data (x-api-key checked against a SHA-256, acquisition JSON parsed and checked,
float32 blob stored in SQLite WAL, one transaction per request), answering like mote.
Usage: peer_server.py DB KEY  (prints "port N" once listening)"""
import hashlib, hmac, json, sqlite3, sys, threading
from array import array
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DB, KEY = sys.argv[1], sys.argv[2]
KEY_HASH = hashlib.sha256(KEY.encode()).hexdigest()
local = threading.local()


def db():
    if not hasattr(local, "db"):
        local.db = sqlite3.connect(DB, timeout=10, isolation_level=None)
        local.db.execute("PRAGMA journal_mode=WAL")
        local.db.execute("PRAGMA synchronous=NORMAL")
    return local.db


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # as mote does: no delayed-ACK wait between headers and body

    def log_message(self, *args):
        pass

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        given = hashlib.sha256(self.headers.get("x-api-key", "").encode()).hexdigest()
        if not hmac.compare_digest(given, KEY_HASH):
            return self.reply(401, {"success": False, "error": "bad key"})
        try:
            doc = json.loads(body)
            p = doc["payload"]
            axes = len(p["sensors"])
            values = array("f", [float(v) for row in p["values"] for v in row])
            if len(values) != axes * len(p["values"]):
                raise ValueError("ragged values")
        except Exception as e:
            return self.reply(400, {"success": False, "error": str(e)})
        blob = values.tobytes()
        digest = hashlib.sha256(blob).hexdigest()
        name = self.headers.get("x-file-name", "upload").rsplit(".", 1)[0]
        con = db()
        con.execute("BEGIN IMMEDIATE")
        cur = con.execute("INSERT INTO samples(name, label, hash, data) VALUES(?, ?, ?, ?)",
                          (name, self.headers.get("x-label", ""), digest, blob))
        con.execute("COMMIT")
        self.reply(200, {"success": True, "files": [{"success": True, "id": cur.lastrowid, "name": name, "hash": digest}]})


con = sqlite3.connect(DB)
con.execute("PRAGMA journal_mode=WAL")
con.execute("CREATE TABLE IF NOT EXISTS samples(id INTEGER PRIMARY KEY, name TEXT, label TEXT, hash TEXT, data BLOB)")
con.commit()
con.close()
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print("port", server.server_address[1], flush=True)
server.serve_forever()
