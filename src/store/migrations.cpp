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
      // learn: trained learning blocks (one row per training run; the newest row per block is current).
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
  };
  return steps;
}

}  // namespace mote
