#include "store/migrations.h"

namespace mote {

const std::vector<std::string>& schema_migrations() {
  static const std::vector<std::string> steps = {
      // 1: samples (metadata apart from data, so listing never reads blobs) and settings.
      R"sql(
CREATE TABLE samples(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  label TEXT NOT NULL,
  category TEXT NOT NULL CHECK (category IN ('training', 'testing')),
  kind TEXT NOT NULL CHECK (kind IN ('timeseries', 'image')),
  interval_ms REAL NOT NULL DEFAULT 0,
  axes INTEGER NOT NULL DEFAULT 0,
  frames INTEGER NOT NULL DEFAULT 0,
  width INTEGER NOT NULL DEFAULT 0,
  height INTEGER NOT NULL DEFAULT 0,
  channels INTEGER NOT NULL DEFAULT 0,
  sensors TEXT NOT NULL DEFAULT '[]',
  device_name TEXT NOT NULL DEFAULT '',
  device_type TEXT NOT NULL DEFAULT '',
  hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  provenance TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX samples_hash ON samples(hash);
CREATE INDEX samples_label ON samples(label, category);
CREATE TABLE sample_data(
  sample_id INTEGER PRIMARY KEY REFERENCES samples(id) ON DELETE CASCADE,
  data BLOB NOT NULL
);
CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql",
      // 2: features cache, keyed by what decides them: the sample's data and the impulse's input + DSP blocks.
      R"sql(
CREATE TABLE features(
  sample_hash TEXT NOT NULL,
  impulse_hash TEXT NOT NULL,
  windows INTEGER NOT NULL,
  width INTEGER NOT NULL,
  start_ms BLOB NOT NULL,
  data BLOB NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (sample_hash, impulse_hash)
);
)sql",
      // 3: API keys (SHA-256 of the key, never the key) and the job queue of `mote serve`.
      R"sql(
CREATE TABLE api_keys(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE TABLE jobs(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  params TEXT NOT NULL DEFAULT '{}',
  progress REAL NOT NULL DEFAULT 0,
  log TEXT NOT NULL DEFAULT '',
  result TEXT,
  error TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT
);
CREATE INDEX jobs_state ON jobs(state, id);
)sql",
      // 4: trained learning blocks (one row per training run; the newest row per block is current).
      R"sql(
CREATE TABLE models(
  id INTEGER PRIMARY KEY,
  block TEXT NOT NULL,
  type TEXT NOT NULL,
  features_hash TEXT NOT NULL,
  spec_hash TEXT NOT NULL,
  model TEXT NOT NULL,
  metrics TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
);
CREATE INDEX models_block ON models(block, id);
)sql",
      // 5: tuner runs (mote tune) and every candidate measured in them: its impulse and its scores/footprint.
      R"sql(
CREATE TABLE tune_runs(
  id INTEGER PRIMARY KEY,
  options TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
);
CREATE TABLE tune_candidates(
  run INTEGER NOT NULL REFERENCES tune_runs(id),
  idx INTEGER NOT NULL,
  impulse TEXT NOT NULL,
  result TEXT NOT NULL,
  PRIMARY KEY(run, idx)
);
)sql",
      // 6: named versions (mote version save): the impulse as mote.json held it, the metrics at saving, and
      //    a copy of each learning block's model row, so restoring does not depend on the models' history.
      R"sql(
CREATE TABLE versions(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  impulse TEXT NOT NULL,
  metrics TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
);
CREATE TABLE version_models(
  version INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  block TEXT NOT NULL,
  type TEXT NOT NULL,
  features_hash TEXT NOT NULL,
  spec_hash TEXT NOT NULL,
  model TEXT NOT NULL,
  metrics TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  PRIMARY KEY(version, idx)
);
)sql",
      // 7: job leases, so any number of processes (mote serve, mote worker on any machine) share the queue: the
      //    holder and its deadline (milliseconds in the store's clock), the claims so far, a cancel asked of a
      //    job another process runs, and the batch a job belongs to (a tuner run's candidates).
      R"sql(
ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
ALTER TABLE jobs ADD COLUMN lease_expires_at INTEGER;
ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN batch TEXT NOT NULL DEFAULT '';
CREATE INDEX jobs_batch ON jobs(batch, state);
)sql",
      // 8: a version keeps the dataset's labels and split as they were at saving ({"<sample id>": [label,
      //    category]}); '' in versions saved before, which restore without touching labels.
      R"sql(
ALTER TABLE versions ADD COLUMN labels TEXT NOT NULL DEFAULT '';
)sql",
      // 9: teams (src/serve/users.h, sessions.h, audit.h): users with Argon2id password hashes and a role in
      //    this project, login sessions (SHA-256 of the token; expiry in milliseconds of the store's clock),
      //    a role per API key ('editor' for keys made before: what they could do), and the audit trail.
      R"sql(
CREATE TABLE users(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
  created_at TEXT NOT NULL
);
CREATE TABLE sessions(
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
ALTER TABLE api_keys ADD COLUMN role TEXT NOT NULL DEFAULT 'editor' CHECK (role IN ('editor', 'viewer', 'device'));
CREATE TABLE audit(
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL,
  actor TEXT NOT NULL,
  user_id INTEGER,
  key_id INTEGER,
  method TEXT NOT NULL,
  route TEXT NOT NULL,
  path TEXT NOT NULL,
  objects TEXT NOT NULL DEFAULT '[]',
  status INTEGER NOT NULL
);
CREATE INDEX audit_user ON audit(user_id, id);
)sql",
  };
  return steps;
}

}  // namespace mote
